import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { logSumExp } from '../math/log-sum-exp';
import type { Seed } from '../random/seed';
import { checkPositiveInteger } from '../errors';
import { checkDistribution, checkFunction } from './check-options';
import { logImportanceWeights } from './log-weights';
import type { LogDensity } from './types';

/** Options of {@link importanceSampling}. */
export interface ImportanceSamplingOptions {
  /** log p(x, z): z `[S, ...proposal.batchShape, ...eventShape]` → `[S, ...proposal.batchShape]`. */
  logJoint: LogDensity;
  /** The proposal q(z), batchShape one entry per data point. */
  proposal: Distribution;
  /** Number S of proposal draws (a positive integer). */
  numSamples: number;
  /** A fixed seed reproduces the result exactly; random when omitted. */
  seed?: Seed;
}

/** The result of {@link importanceSampling}; the caller owns every tensor (`tf.dispose(result)` frees them all). */
export type ImportanceSamplingResult = {
  /** log p̂(x) = log (1/S) Σ_s w_s, shape `[...batch]`. exp(logEvidence) is unbiased for p(x). */
  logEvidence: tf.Tensor;
  /** log w_s = log p(x, z_s) − log q(z_s), shape `[S, ...batch]`. */
  logWeights: tf.Tensor;
  /** Self-normalised weights w_s / Σ_t w_t (a softmax over the sample axis), shape `[S, ...batch]`. */
  weights: tf.Tensor;
  /** Effective sample size 1 / Σ_s w̃_s², between 1 and S, shape `[...batch]`. */
  effectiveSampleSize: tf.Tensor;
};

/**
 * Importance sampling of the evidence with a proposal q:
 * p(x) ≈ (1/S) Σ_s p(x, z_s) / q(z_s), z_s ~ q. The estimate of p(x) (not of
 * log p(x)) is unbiased; with the exact posterior as proposal every weight
 * equals p(x) and the estimate has zero variance. Everything is computed in
 * log space: the self-normalised weights as exp(log w − logsumexp log w) and
 * the effective sample size as exp(2·logsumexp(log w) − logsumexp(2·log w)).
 * Draws with `proposal.sample` (no gradients).
 *
 * The delta-method standard error of `logEvidence` is
 * sqrt(1/ESS − 1/S).
 *
 * @example
 * ```ts
 * const { logEvidence, weights, effectiveSampleSize, logWeights } =
 *   importanceSampling({ logJoint, proposal: q, numSamples: 1000, seed: 1 });
 * tf.dispose([logWeights, weights]);
 * ```
 */
export function importanceSampling(options: ImportanceSamplingOptions): ImportanceSamplingResult {
  const where = 'importanceSampling';
  checkFunction(where, 'logJoint', options.logJoint);
  const proposal = checkDistribution(where, 'proposal', options.proposal);
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples);
  return tf.tidy(() => {
    const { logWeights } = logImportanceWeights(where, options.logJoint, proposal, numSamples, { reparameterized: false, seed: options.seed });
    const total = logSumExp(logWeights, 0, true);
    const logEvidence = tf.sub(tf.squeeze(total, [0]), Math.log(numSamples));
    const weights = tf.exp(tf.sub(logWeights, total));
    const effectiveSampleSize = tf.exp(tf.sub(tf.mul(tf.squeeze(total, [0]), 2), logSumExp(tf.mul(logWeights, 2), 0)));
    return { logEvidence, logWeights, weights, effectiveSampleSize };
  });
}
