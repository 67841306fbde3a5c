import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import type { Seed } from '../random/seed';
import { surrogateLoss, type GradientEstimator } from './surrogate-loss';
import type { LogDensity } from './types';

/** Options of {@link iwaeLoss}. */
export interface IwaeLossOptions {
  /** log p(x, z): z `[S, ...q.batchShape, ...q.eventShape]` → `[S, ...q.batchShape]`. */
  logJoint: LogDensity;
  /** The proposal / variational distribution, batchShape one entry per data point. */
  q: Distribution;
  /** Draws per bound (IWAE_k); 1 gives the ELBO. */
  k: number;
  /** Total draws per data point, a multiple of k: numSamples / k independent groups. Default k. */
  numSamples?: number;
  /** Reproduces the draws (and so the loss and its gradient) exactly; random when omitted. */
  seed?: Seed;
  /** The gradient estimator (default `'pathwise'`); see {@link GradientEstimator}. */
  gradient?: GradientEstimator;
}

/**
 * A differentiable surrogate loss for training with the importance-weighted
 * bound: a scalar whose value is −IWAE_k, averaged over the data points and
 * the numSamples / k groups, and whose gradient is the chosen estimator's.
 * Minimise it with `tf.variableGrads` or an optimiser.
 *
 * - `'pathwise'` (default), `'stl'` and `'dreg'` need `q.hasRsample`; for a q without it
 *   they throw a ValidationError that suggests `'score'` (no silent fallback).
 * - `'dreg'` gives q's parameters the doubly reparameterised gradient Σ w̃ᵢ² ∇ log wᵢ
 *   and the model's (inside `logJoint`) the usual Σ w̃ᵢ ∇ log wᵢ, without being told which is which.
 * - `'score'` needs numSamples ≥ 2k: each group's baseline is the mean bound of the others.
 *
 * @example
 * ```ts
 * const loc = tf.variable(tf.zeros([4, 2]));
 * const logScale = tf.variable(tf.zeros([4, 2]));
 * const { value, grads } = tf.variableGrads(() => {
 *   const q = new MultivariateNormalDiag({ loc, scaleDiag: tf.exp(logScale) });
 *   return iwaeLoss({ logJoint, q, k: 50, gradient: 'dreg', seed: 1 });
 * });
 * ```
 */
export function iwaeLoss({ logJoint, q, k, numSamples, seed, gradient }: IwaeLossOptions): tf.Scalar {
  return surrogateLoss('iwaeLoss', { logJoint, q, k, numSamples: numSamples ?? k, seed, gradient }, true);
}
