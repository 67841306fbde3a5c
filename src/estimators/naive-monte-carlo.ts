import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { logMeanExp } from '../math/log-sum-exp';
import type { Seed } from '../random/seed';
import { checkPositiveInteger } from '../errors';
import { checkDensityShape, checkDistribution, checkFunction } from './check-options';
import type { LogDensity } from './types';

/** Options of {@link naiveMonteCarlo}. */
export interface NaiveMonteCarloOptions {
  /** The prior p(z), batchShape one entry per data point. */
  prior: Distribution;
  /** log p(x | z): z `[S, ...prior.batchShape, ...eventShape]` → `[S, ...prior.batchShape]` (or a batch it broadcasts to, e.g. `[S, N]`). */
  logLikelihood: LogDensity;
  /** Number S of prior draws (a positive integer). */
  numSamples: number;
  /** A fixed seed reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
}

/**
 * The naive Monte-Carlo estimate of the log-evidence from prior draws:
 * log p(x) ≈ log (1/S) Σ_s p(x | z_s), z_s ~ p(z), computed in log space
 * (log-mean-exp of log p(x | z_s)). Its exponential is unbiased for p(x);
 * the log is biased low (Jensen) and its variance explodes when the
 * posterior is much narrower than the prior — the reason for
 * {@link importanceSampling}. Draws with `prior.sample` (no gradients).
 *
 * @returns one estimate per data point, shape `[...prior.batchShape]` — or the
 *   larger batch `logLikelihood` returns when a shared prior is scored against
 *   several data points (`[S, N]` for a prior with batchShape `[]`); the caller owns it.
 *
 * @example
 * ```ts
 * const prior = new Independent(new Normal({ loc: tf.zeros([4, 2]), scale: 1 }), 1);
 * const logLikelihood = (z: tf.Tensor) => likelihoodOf(z).logProb(x); // [S, 4]
 * const logPx = naiveMonteCarlo({ prior, logLikelihood, numSamples: 10_000, seed: 1 }); // [4]
 * ```
 */
export function naiveMonteCarlo(options: NaiveMonteCarloOptions): tf.Tensor {
  const where = 'naiveMonteCarlo';
  const prior = checkDistribution(where, 'prior', options.prior);
  checkFunction(where, 'logLikelihood', options.logLikelihood);
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples);
  return tf.tidy(() => {
    const z = prior.sample(numSamples, { seed: options.seed });
    const logLik = options.logLikelihood(z);
    checkDensityShape(where, 'logLikelihood', logLik, [numSamples, ...prior.batchShape], { broadcast: true });
    return logMeanExp(logLik, 0);
  });
}
