import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { checkPositiveInteger, ValidationError } from '../errors';
import type { Seed } from '../random/seed';
import { checkDistribution, checkFunction } from './check-options';
import { importanceWeightedBound } from './importance-weighted-bound';
import { logImportanceWeights } from './log-weights';
import type { LogDensity } from './types';

/** Options of {@link iwae}. */
export interface IwaeOptions {
  /** log p(x, z): z `[S, ...q.batchShape, ...eventShape]` → `[S, ...q.batchShape]`. */
  logJoint: LogDensity;
  /** The variational distribution q(z | x), batchShape one entry per data point. */
  q: Distribution;
  /** Importance samples per bound (a positive integer); k = 1 is the ELBO. */
  k: number;
  /** Total draws, a multiple of k: the bound is averaged over numSamples / k independent groups. Default k. */
  numSamples?: number;
  /** A fixed seed reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
}

/**
 * Shared by {@link iwae} and the `logJoint` form of `elbo`: draws numSamples
 * latents from q (rsample when q has it, so the value stays differentiable)
 * and averages log (1/k) Σ_i w_i over numSamples / k groups.
 */
export function importanceWeightedEstimate(where: string, logJoint: LogDensity, q: Distribution, numSamples: number, k: number, seed: Seed | undefined): tf.Tensor {
  return tf.tidy(() => {
    const { logWeights } = logImportanceWeights(where, logJoint, q, numSamples, { reparameterized: q.hasRsample, seed });
    return importanceWeightedBound(logWeights, k);
  });
}

/**
 * The importance-weighted bound (Burda et al. 2016)
 * IWAE_k = E[log (1/k) Σ_{i=1..k} p(x, z_i) / q(z_i)], z_i ~ q, estimated by
 * averaging over numSamples / k independent groups of k draws. It lies
 * between the ELBO (k = 1, the same code path) and log p(x), and increases
 * with k. Draws with `q.rsample` when q has it (the value is then
 * differentiable in q's parameters), `q.sample` otherwise; for training use
 * the surrogate losses, which choose the gradient estimator.
 *
 * @returns one value per data point, shape `[...q.batchShape]`; the caller owns it.
 *
 * @example
 * ```ts
 * const q = new MultivariateNormalDiag({ loc, scaleDiag }); // batchShape [N]
 * const bound = iwae({ logJoint, q, k: 50, numSamples: 5000, seed: 1 }); // [N], 100 groups of 50
 * ```
 */
export function iwae(options: IwaeOptions): tf.Tensor {
  const where = 'iwae';
  checkFunction(where, 'logJoint', options.logJoint);
  const q = checkDistribution(where, 'q', options.q);
  const k = checkPositiveInteger(where, 'k', options.k);
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples ?? k);
  if (numSamples % k !== 0) throw new ValidationError(where, 'numSamples', `be a multiple of k = ${k}`, numSamples);
  return importanceWeightedEstimate(where, options.logJoint, q, numSamples, k, options.seed);
}
