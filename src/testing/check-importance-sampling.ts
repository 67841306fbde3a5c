import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from 'latent';
import type { ExerciseOptions } from './check-iwae';
import { checkFunction, LawBroken, meanAndError, runLaws, show, type ExerciseReport, type StudentNumber } from './exercise-report';
import { checkFarTail, estimateMany, estimateOnce, gaussianEvidenceModel } from './gaussian-evidence-model';

/** A student's importance sampler: one estimate of log p(x) from numSamples fresh draws of the proposal. */
export type StudentImportanceSampling = (logJoint: (z: tf.Tensor) => tf.Tensor, proposal: Distribution, numSamples: number) => StudentNumber;

/**
 * Checks a student's importance-sampling estimate `myImportanceSampling(logJoint, proposal, numSamples)`
 * of log p(x): log (1/n) Σ p(x, z_i) / q(z_i), z_i ~ q, as a number or one-element tensor. On the model
 * z ~ N(0, 1), x | z ~ N(z, σ²), whose p(x) is known, it tests that the function
 *
 * - returns one number;
 * - is exact when the proposal is the posterior, for n = 1, 10 and 100 (catches a missing 1/n, and
 *   returning p(x) instead of its log);
 * - stays finite when the log-weights are about −485 (use logSumExp);
 * - is unbiased for p(x): over `repetitions` calls with a proposal that is not the posterior, the mean of
 *   exp(estimate) / p(x) is 1 within 5 standard errors (averaging log-weights instead gives the ELBO,
 *   biased low; forgetting q(z) gives a wrong scale).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { logSumExp } from 'latent';
 * import { checkImportanceSampling } from 'latent/testing';
 *
 * const mine = (logJoint, proposal, n) => {
 *   const z = proposal.sample([n]);
 *   return tf.sub(logSumExp(tf.sub(logJoint(z), proposal.logProb(z))), Math.log(n));
 * };
 * console.log((await checkImportanceSampling(mine)).passed); // true
 * ```
 */
export async function checkImportanceSampling(myImportanceSampling: StudentImportanceSampling, options: ExerciseOptions = {}): Promise<ExerciseReport> {
  checkFunction('checkImportanceSampling', 'myImportanceSampling', myImportanceSampling);
  const { repetitions = 400 } = options;
  const model = gaussianEvidenceModel(1.2, 0.8);
  const what = 'one number: the estimate of log p(x)';
  const proposal = { loc: 0.3, scale: 1.1 };

  return runLaws('Importance sampling', [
    ['returns one number', async () => void (await estimateOnce(myImportanceSampling, model, model.posterior, 10, what))],
    ['exact when the proposal is the posterior (every weight equals p(x))', async () => {
      for (const n of [1, 10, 100]) {
        const got = await estimateOnce(myImportanceSampling, model, model.posterior, n, what);
        const want = model.logEvidence;
        if (Math.abs(got - want) <= 1e-3) continue;
        const hint = Math.abs(got - Math.exp(want)) < 1e-4 ? ' That is p(x) itself: return its log.'
          : Math.abs(got - want - Math.log(n)) < 1e-3 ? ` That is log p(x) + log ${n}: average the weights (divide their sum by n).` : '';
        throw new LawBroken(`with the proposal the exact posterior N(${show(model.posterior.loc)}, ${show(model.posterior.scale)}²), every weight p(x, z)/q(z) equals p(x), so with n = ${n} the estimate must be log p(x) = ${show(want)}; you returned ${show(got)}.${hint}`);
      }
    }],
    ['stays finite when the log-weights are far below zero', () => checkFarTail(myImportanceSampling, what, 'n')],
    ['unbiased for p(x): exp(estimate) averages to p(x)', async () => {
      const estimates = await estimateMany(myImportanceSampling, model, proposal, 10, what, repetitions);
      const { mean, error } = meanAndError(estimates.map((e) => Math.exp(e - model.logEvidence)));
      if (Math.abs(mean - 1) <= 5 * error + 1e-3) return;
      const elbo = model.elbo(proposal.loc, proposal.scale);
      const logs = meanAndError(estimates);
      const hint = Math.abs(logs.mean - elbo) <= 5 * logs.error + 1e-3 ? ' Your estimates average the ELBO: you averaged the log-weights, which is biased low; average the weights themselves (log-mean-exp).' : ' Check the weights: p(x, z) / q(z), with z drawn from the proposal.';
      throw new LawBroken(`with proposal N(${proposal.loc}, ${proposal.scale}²) and n = 10, p̂(x) = exp(estimate) must average to p(x) = ${show(Math.exp(model.logEvidence))}; yours average ${show(mean)} × p(x) (± ${show(error)}) over ${repetitions} calls.${hint}`);
    }],
  ]);
}
