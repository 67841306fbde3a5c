import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../math/to-tensor';
import type { Distribution } from '../distributions/distribution';
import { kl } from '../distributions/kl';
import { checkPositiveInteger, ShapeError } from '../errors';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { checkDensityShape, checkDistribution, checkFunction, checkSameBatch } from './check-options';
import type { LogDensity } from './types';

/** Options of {@link elboTerms}. */
export interface ElboTermsOptions {
  /** log p(x | z): z `[S, ...q.batchShape, ...eventShape]` → `[S, ...q.batchShape]`. */
  logLikelihood: LogDensity;
  /** The prior p(z), same batchShape as q, with `logProb` and a closed-form `kl(q, prior)`. */
  prior: Distribution;
  /** The variational distribution q(z | x), batchShape one entry per data point, with a closed-form `entropy()`. */
  q: Distribution;
  /** Number S of draws from q (a positive integer). */
  numSamples: number;
  /** A fixed seed reproduces the terms exactly; random when omitted. */
  seed?: Seed;
  /** The exact log p(x), `[...q.batchShape]` (a tensor, still owned by the caller, or an array): adds `posteriorGap`. */
  logEvidence?: tf.Tensor | number | number[] | number[][];
}

/**
 * The terms of {@link elboTerms}, each `[...q.batchShape]` (one per data
 * point); the caller owns every tensor. Three decompositions of the same ELBO:
 * elbo ≈ expectedLogJoint + entropy ≈ expectedLogLikelihood − kl
 * = log p(x) − posteriorGap. `tf.dispose(terms)` frees them all.
 */
export type ElboTerms = {
  /** The ELBO estimate (1/S) Σ_s [log p(x, z_s) − log q(z_s)], z_s ~ q: the value `elbo({ logJoint, q })` gives with the same seed. */
  elbo: tf.Tensor;
  /** E_q[log p(x, z)] = E_q[log p(x | z) + log p(z)], estimated from the same draws. */
  expectedLogJoint: tf.Tensor;
  /** H(q) = −E_q[log q(z)], in closed form (`q.entropy()`). */
  entropy: tf.Tensor;
  /** E_q[log p(x | z)], the reconstruction term, estimated from the same draws. */
  expectedLogLikelihood: tf.Tensor;
  /** KL(q ‖ p(z)), in closed form (`kl(q, prior)`). */
  kl: tf.Tensor;
  /** Only when `logEvidence` is given: log p(x) − elbo, an estimate of KL(q ‖ p(z | x)) ≥ 0. */
  posteriorGap?: tf.Tensor;
};

/**
 * The ELBO and the terms of its three textbook decompositions, from one set
 * of S draws of q (rsample when q has it, so every term stays differentiable;
 * sample otherwise):
 *
 * 1. ELBO = E_q[log p(x, z)] + H(q) — energy plus entropy;
 * 2. ELBO = E_q[log p(x | z)] − KL(q ‖ p(z)) — reconstruction minus regulariser;
 * 3. ELBO = log p(x) − KL(q ‖ p(z | x)) — when the exact log-evidence is known
 *    (`logEvidence`), `posteriorGap` is the distance from q to the posterior.
 *
 * The Monte-Carlo terms agree with the closed-form ones in expectation;
 * `elbo` itself is the plain estimate E_q[log p(x, z) − log q(z)].
 *
 * @example
 * ```ts
 * const terms = elboTerms({ logLikelihood, prior, q, numSamples: 1000, seed: 1, logEvidence: [-4.1, -5.2] });
 * // terms.expectedLogJoint + terms.entropy ≈ terms.expectedLogLikelihood − terms.kl ≈ terms.elbo
 * tf.dispose(terms);
 * ```
 */
export function elboTerms(options: ElboTermsOptions): ElboTerms {
  const where = 'elboTerms';
  checkFunction(where, 'logLikelihood', options.logLikelihood);
  const prior = checkDistribution(where, 'prior', options.prior);
  const q = checkDistribution(where, 'q', options.q);
  const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples);
  checkSameBatch(where, 'prior', prior.batchShape, 'q', q.batchShape);
  return tf.tidy(() => {
    const z = q.hasRsample ? q.rsample(numSamples, { seed: options.seed }) : q.sample(numSamples, { seed: options.seed });
    const logLik = options.logLikelihood(z);
    checkDensityShape(where, 'logLikelihood', logLik, [numSamples, ...q.batchShape]);
    const logJoint = tf.add(prior.logProb(z), logLik);
    const mean = (t: tf.Tensor) => tf.div(sum(t, 0), numSamples);
    const terms: ElboTerms = {
      elbo: mean(tf.sub(logJoint, q.logProb(z))),
      expectedLogJoint: mean(logJoint),
      entropy: q.entropy(),
      expectedLogLikelihood: mean(logLik),
      kl: kl(q, prior),
    };
    if (options.logEvidence !== undefined) {
      const logEvidence = toTensor(where, 'logEvidence', options.logEvidence);
      const want = q.batchShape;
      if (logEvidence.rank !== want.length || logEvidence.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(where, `logEvidence has shape [${logEvidence.shape.join(',')}]; expected q.batchShape [${want.join(',')}]`);
      }
      terms.posteriorGap = tf.sub(logEvidence, terms.elbo);
    }
    return terms;
  });
}
