import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import type { Seed } from '../random/seed';
import { surrogateLoss, type GradientEstimator } from './surrogate-loss';
import type { LogDensity } from './types';

/** Options of {@link elboLoss}. */
export interface ElboLossOptions {
  /** log p(x, z): z `[S, ...q.batchShape, ...q.eventShape]` → `[S, ...q.batchShape]`. */
  logJoint: LogDensity;
  /** The variational distribution, batchShape one entry per data point. */
  q: Distribution;
  /** Draws per data point (at least 2 with `gradient: 'score'`). */
  numSamples: number;
  /** Reproduces the draws (and so the loss and its gradient) exactly; random when omitted. */
  seed?: Seed;
  /** The gradient estimator (default `'pathwise'`); `'dreg'` with k = 1 is the same as `'stl'`. */
  gradient?: GradientEstimator;
}

/**
 * A differentiable surrogate loss for variational inference: a scalar whose
 * value is −ELBO, averaged over draws and data points, and whose gradient is
 * the chosen estimator's. It is `iwaeLoss` with k = 1 (one code path), so
 * `'dreg'` here equals `'stl'`; `'score'` uses the mean of the other draws as
 * each draw's baseline.
 *
 * @example
 * ```ts
 * const logits = tf.variable(tf.zeros([4, 3]));
 * const { value, grads } = tf.variableGrads(() =>
 *   elboLoss({ logJoint, q: new Categorical({ logits }), numSamples: 16, gradient: 'score', seed: 1 }),
 * );
 * ```
 */
export function elboLoss({ logJoint, q, numSamples, seed, gradient }: ElboLossOptions): tf.Scalar {
  return surrogateLoss('elboLoss', { logJoint, q, k: 1, numSamples, seed, gradient }, false);
}
