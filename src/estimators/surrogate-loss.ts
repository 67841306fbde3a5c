import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { checkPositiveInteger, ValidationError } from '../errors';
import { logMeanExp, logSumExp } from '../math/log-sum-exp';
import { stopGradient } from '../math/stop-gradient';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { checkDistribution, checkFunction } from './check-options';
import { logImportanceWeights } from './log-weights';
import type { LogDensity } from './types';

/**
 * How a surrogate loss's gradient is estimated:
 * - `'pathwise'`: reparameterised draws, the gradient of the bound itself (needs `q.hasRsample`);
 * - `'stl'`: "sticking the landing" (Roeder et al. 2017): pathwise with log q's parameters held
 *   constant, so only the path through z carries q's gradient — zero variance at the exact posterior;
 * - `'dreg'`: doubly reparameterised (Tucker et al. 2018): q's gradient Σ w̃ᵢ² ∇ log wᵢ through
 *   the path, the model's the usual Σ w̃ᵢ ∇ log wᵢ; with k = 1 it is `'stl'`;
 * - `'score'`: score function (REINFORCE) with a leave-one-out baseline over the groups of
 *   draws; works for any q, discrete latents included.
 */
export type GradientEstimator = 'pathwise' | 'score' | 'stl' | 'dreg';

const ESTIMATORS: readonly GradientEstimator[] = ['pathwise', 'score', 'stl', 'dreg'];

/** The options every surrogate loss shares (see `iwaeLoss`). */
export interface SurrogateLossOptions {
  logJoint: LogDensity;
  q: Distribution;
  k: number;
  numSamples: number;
  seed?: Seed;
  gradient?: GradientEstimator;
}

/** Checks the options: `where` names the public function, `kOption` whether k is the caller's. */
function checkLossOptions(where: string, options: SurrogateLossOptions, kIsOption: boolean): GradientEstimator {
  checkFunction(where, 'logJoint', options.logJoint);
  const q = checkDistribution(where, 'q', options.q);
  const k = kIsOption ? checkPositiveInteger(where, 'k', options.k) : options.k;
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples);
  if (numSamples % k !== 0) {
    throw new ValidationError(where, 'numSamples', `be a multiple of k = ${k} (numSamples / k independent groups of k draws)`, numSamples);
  }
  const gradient = options.gradient ?? 'pathwise';
  if (!ESTIMATORS.includes(gradient)) {
    throw new ValidationError(where, 'gradient', `be one of ${ESTIMATORS.map((e) => `'${e}'`).join(', ')}`, gradient);
  }
  if (gradient !== 'score' && !q.hasRsample) {
    throw new ValidationError(
      where,
      'gradient',
      `be 'score' when q has no reparameterised sampler (${q.name} has no rsample, which '${gradient}' needs; pass gradient: 'score' for a score-function estimator)`,
      gradient,
    );
  }
  if (gradient === 'score' && numSamples / k < 2) {
    const rule = kIsOption
      ? `be at least 2·k = ${2 * k} with gradient 'score' (two or more groups of k draws: each group's baseline is the mean bound of the other groups)`
      : `be at least 2 with gradient 'score' (each draw's baseline is the mean of the other draws)`;
    throw new ValidationError(where, 'numSamples', rule, numSamples);
  }
  return gradient;
}

/** Mean of `[groups, ...batch]` over everything: the loss averages over groups and data points. */
function meanAll(x: tf.Tensor): tf.Tensor {
  return tf.div(sum(x), x.size);
}

/** Per-group sum over the k axis of `[groups, k, ...batch]`. */
function sumOverK(x: tf.Tensor): tf.Tensor {
  return sum(x, 1);
}

/**
 * log mean_k exp(x) over the k axis of `grouped(x)`: `[groups, ...batch]`. With k = 1 it is x
 * itself (log exp x = x exactly, −Infinity and NaN included), so the ELBO skips a logSumExp.
 */
function logMeanExpOverK(x: tf.Tensor, k: number, grouped: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return k === 1 ? x : logMeanExp(grouped(x), 1);
}

/** `surrogate` with its value replaced by `value`: gradient of the first, value of the second. */
function withValue(surrogate: tf.Tensor, value: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(surrogate, stopGradient(surrogate)), stopGradient(value));
}

/**
 * The negative importance-weighted bound as a loss whose gradient is the chosen
 * estimator's. Shared by `iwaeLoss` and `elboLoss` (k = 1): one code path.
 * `kIsOption` says whether `k` came from the caller (for the error messages).
 */
export function surrogateLoss(where: string, options: SurrogateLossOptions, kIsOption: boolean): tf.Scalar {
  const gradient = checkLossOptions(where, options, kIsOption);
  const { logJoint, q, k, numSamples, seed } = options;
  const groups = numSamples / k;
  return tf.tidy(() => {
    const grouped = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [groups, k, ...x.shape.slice(1)]);
    if (gradient === 'pathwise' || gradient === 'stl') {
      const { logWeights } = logImportanceWeights(where, logJoint, q, numSamples, { reparameterized: true, detachQ: gradient === 'stl', seed });
      return tf.neg(meanAll(logMeanExpOverK(logWeights, k, grouped))) as tf.Scalar;
    }
    if (gradient === 'dreg') {
      // B = log w with z = z(φ) on the path and log q detached (θ and φ through z);
      // A = the same at stopGradient(z) (θ only). Σ w̃ A + Σ w̃² (B − A) has θ-gradient
      // Σ w̃ ∇θ log w and φ-gradient Σ w̃² ∇φ log w, without knowing which tensors are which.
      const { z, logWeights } = logImportanceWeights(where, logJoint, q, numSamples, { reparameterized: true, detachQ: true, seed });
      const fixedZ = stopGradient(z);
      const b = grouped(logWeights);
      const a = grouped(tf.sub(logJoint(fixedZ), q.detach().logProb(fixedZ)));
      const normalized = stopGradient(tf.exp(tf.sub(b, logSumExp(b, 1, true))));
      const surrogate = tf.add(sumOverK(tf.mul(normalized, a)), sumOverK(tf.mul(tf.square(normalized), tf.sub(b, a))));
      return tf.neg(meanAll(withValue(surrogate, logMeanExp(b, 1)))) as tf.Scalar;
    }
    // score: z constant; L_g = log mean_i w_gi with log q not detached (its direct φ-gradient);
    // L_g + stopGradient(L_g − b_g) Σ_i log q(z_gi), b_g the mean of L over the other groups.
    const { z, logWeights } = logImportanceWeights(where, logJoint, q, numSamples, { reparameterized: false, seed });
    const bound = logMeanExpOverK(logWeights, k, grouped);
    const baseline = tf.div(tf.sub(sum(bound, 0, true), bound), groups - 1);
    const scoreTerm = tf.mul(stopGradient(tf.sub(bound, baseline)), sumOverK(grouped(q.logProb(z))));
    return tf.neg(meanAll(withValue(tf.add(bound, scoreTerm), bound))) as tf.Scalar;
  });
}
