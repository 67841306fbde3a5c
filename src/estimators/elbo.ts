import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { kl } from '../distributions/kl';
import { checkPositiveInteger, ValidationError } from '../errors';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { checkDensityShape, checkDistribution, checkFunction, checkSameBatch } from './check-options';
import { importanceWeightedEstimate } from './iwae';
import type { LogDensity } from './types';

/** Options of {@link elbo} with the joint density: E_q[log p(x, z) − log q(z)]. */
export interface ElboJointOptions {
  /** log p(x, z): z `[S, ...q.batchShape, ...eventShape]` → `[S, ...q.batchShape]`. */
  logJoint: LogDensity;
  /** The variational distribution q(z | x), batchShape one entry per data point. */
  q: Distribution;
  /** Number S of draws from q (a positive integer). */
  numSamples: number;
  /** A fixed seed reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
  /** Omitted (or false): the Monte-Carlo form over log p(x, z) − log q(z). */
  analyticKL?: false;
}

/** Options of {@link elbo} with a closed-form KL: E_q[log p(x | z)] − KL(q ‖ p(z)). */
export interface ElboAnalyticKLOptions {
  /** log p(x | z): z `[S, ...q.batchShape, ...eventShape]` → `[S, ...q.batchShape]`. */
  logLikelihood: LogDensity;
  /** The prior p(z), with the same batchShape as q; `kl(q, prior)` must have a closed form. */
  prior: Distribution;
  /** The variational distribution q(z | x), batchShape one entry per data point. */
  q: Distribution;
  /** True: E_q log p(x | z) − KL(q ‖ p(z)) with the KL in closed form. */
  analyticKL: true;
  /** Number S of draws from q (a positive integer). */
  numSamples: number;
  /** A fixed seed reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
}

/** Options of {@link elbo}: the joint form or the analytic-KL form. */
export type ElboOptions = ElboJointOptions | ElboAnalyticKLOptions;

/**
 * The evidence lower bound ELBO(q) = E_q[log p(x, z) − log q(z)]
 * = log p(x) − KL(q ‖ p(z | x)), estimated from numSamples draws of q.
 *
 * - `{ logJoint, q }`: the mean of the log importance weights — the IWAE
 *   bound with k = 1 (the same code path as {@link iwae}).
 * - `{ logLikelihood, prior, q, analyticKL: true }`: the mean of
 *   log p(x | z) minus the closed-form `kl(q, prior)`, usually lower variance.
 *   The prior's batchShape must equal q's.
 *
 * Draws with `q.rsample` when q has it (the value is then differentiable in
 * q's parameters), `q.sample` otherwise.
 *
 * @returns one value per data point, shape `[...q.batchShape]`; the caller owns it.
 *
 * @example
 * ```ts
 * const value = elbo({ logJoint, q, numSamples: 1000, seed: 1 }); // [N]
 * const same = elbo({ logLikelihood, prior, q, analyticKL: true, numSamples: 1000, seed: 1 });
 * ```
 */
export function elbo(options: ElboOptions): tf.Tensor {
  const where = 'elbo';
  const q = checkDistribution(where, 'q', options.q);
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples);
  if (options.analyticKL === true) {
    checkFunction(where, 'logLikelihood', options.logLikelihood);
    const prior = checkDistribution(where, 'prior', options.prior);
    checkSameBatch(where, 'prior', prior.batchShape, 'q', q.batchShape);
    return tf.tidy(() => {
      const z = q.hasRsample ? q.rsample(numSamples, { seed: options.seed }) : q.sample(numSamples, { seed: options.seed });
      const logLik = options.logLikelihood(z);
      checkDensityShape(where, 'logLikelihood', logLik, [numSamples, ...q.batchShape]);
      return tf.sub(tf.div(sum(logLik, 0), numSamples), kl(q, prior));
    });
  }
  if (options.analyticKL !== undefined && options.analyticKL !== false) {
    throw new ValidationError(where, 'analyticKL', 'be true, false or omitted', options.analyticKL);
  }
  checkFunction(where, 'logJoint', (options as ElboJointOptions).logJoint);
  return importanceWeightedEstimate(where, (options as ElboJointOptions).logJoint, q, numSamples, 1, options.seed);
}
