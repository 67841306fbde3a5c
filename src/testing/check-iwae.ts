import type * as tf from '@tensorflow/tfjs-core';
import { iwae, type Distribution } from 'latent';
import { checkFunction, LawBroken, meanAndError, runLaws, show, type ExerciseReport, type StudentNumber } from './exercise-report';
import { checkFarTail, estimateMany, estimateOnce, gaussianEvidenceModel, referenceValue, type GaussianEvidenceModel } from './gaussian-evidence-model';

/** A student's IWAE: one estimate of IWAE_k for one data point, from k fresh draws of q. */
export type StudentIwae = (logJoint: (z: tf.Tensor) => tf.Tensor, q: Distribution, k: number) => StudentNumber;

/** Options of the statistical exercise checkers. */
export interface ExerciseOptions {
  /** Calls of the student's function per statistical law (default 400). */
  repetitions?: number;
  /** Seed of the reference values (default 1; `checkImportanceSampling` needs none). */
  seed?: number;
}

/**
 * Checks a student's importance-weighted bound `myIwae(logJoint, q, k)`: one estimate of
 * IWAE_k = log (1/k) Σ p(x, z_i) / q(z_i), z_i ~ q, as a number or one-element tensor. On the model
 * z ~ N(0, 1), x | z ~ N(z, σ²), whose log p(x) is known, it tests that the function
 *
 * - returns one number;
 * - is exact when q is the posterior (every weight is then p(x)), for k = 1, 5 and 50 — this catches a
 *   missing 1/k;
 * - stays finite when the log-weights are about −485 (exp underflows to 0 in float32: use logSumExp);
 * - averages to the ELBO when k = 1, and to IWAE_10 (between the ELBO and log p(x)) when k = 10, over
 *   `repetitions` calls, within 5 standard errors.
 *
 * Tensors the function makes are freed by the checker. A failure is explained in a student's words,
 * with the inputs that show it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { logSumExp } from 'latent';
 * import { checkIwae } from 'latent/testing';
 *
 * const myIwae = (logJoint, q, k) => {
 *   const z = q.sample([k]);
 *   const logWeights = tf.sub(logJoint(z), q.logProb(z));
 *   return tf.sub(logSumExp(logWeights), Math.log(k));
 * };
 * const report = await checkIwae(myIwae);
 * console.log(report.summary); // IWAE: all 5 checks passed. …
 * ```
 */
export async function checkIwae(myIwae: StudentIwae, options: ExerciseOptions = {}): Promise<ExerciseReport> {
  checkFunction('checkIwae', 'myIwae', myIwae);
  const { repetitions = 400, seed = 1 } = options;
  const model = gaussianEvidenceModel(1.2, 0.8);
  const what = (k: number) => `one number: the estimate of IWAE_${k}`;
  const one = (m: GaussianEvidenceModel, q: { loc: number; scale: number }, k: number) => estimateOnce(myIwae, m, q, k, what(k));
  const many = (q: { loc: number; scale: number }, k: number) => estimateMany(myIwae, model, q, k, what(k), repetitions);
  const q = { loc: 0.2, scale: 0.9 };
  const describeQ = `q = N(${q.loc}, ${q.scale}²), x = ${model.x}, σ = ${model.noise}`;

  return runLaws('IWAE', [
    ['returns one number', async () => void (await one(model, model.posterior, 5))],
    ['exact when q is the posterior (every weight equals p(x))', async () => {
      for (const k of [1, 5, 50]) {
        const got = await one(model, model.posterior, k);
        const want = model.logEvidence;
        if (Math.abs(got - want) <= 1e-3) continue;
        const hint = Math.abs(got - want - Math.log(k)) < 1e-3
          ? ` That is log p(x) + log ${k}: you summed the ${k} weights; IWAE averages them (subtract log k).`
          : Math.abs(got - want + Math.log(k)) < 1e-3 ? ` That is log p(x) − log ${k}: divide by k once, not twice.` : '';
        throw new LawBroken(`with q the exact posterior N(${show(model.posterior.loc)}, ${show(model.posterior.scale)}²) and k = ${k}, every weight p(x, z)/q(z) equals p(x), so IWAE_${k} must be log p(x) = ${show(want)} in every call; you returned ${show(got)}.${hint}`);
      }
    }],
    ['stays finite when the log-weights are far below zero', () => checkFarTail(myIwae, what(10), 'k')],
    ['IWAE_1 is the ELBO (on average)', async () => {
      const { mean, error } = meanAndError(await many(q, 1));
      const want = model.elbo(q.loc, q.scale);
      if (Math.abs(mean - want) <= 5 * error + 1e-3) return;
      throw new LawBroken(`with k = 1 the bound is the ELBO, E_q[log p(x, z) − log q(z)] = ${show(want)} for ${describeQ}; your ${repetitions} estimates average ${show(mean)} ± ${show(error)}.${Math.abs(mean - want) > 0.5 ? ' Check that you subtract log q(z), not add it.' : ''}`);
    }],
    ['IWAE_10 matches the reference and lies between the ELBO and log p(x) (on average)', async () => {
      const { mean, error } = meanAndError(await many(q, 10));
      const want = await referenceValue(model, q, (logJoint, proposal) => iwae({ logJoint, q: proposal, k: 10, numSamples: 10 * 40_000, seed }));
      const elbo = model.elbo(q.loc, q.scale);
      if (Math.abs(mean - want) <= 5 * error + 5e-3) return;
      const hint = Math.abs(mean - elbo) <= 5 * error + 5e-3 ? ' That is the ELBO: you averaged the log-weights; IWAE takes the log of the average weight.' : '';
      throw new LawBroken(`for ${describeQ} and k = 10, E[IWAE_10] = ${show(want)} (between the ELBO ${show(elbo)} and log p(x) = ${show(model.logEvidence)}); your ${repetitions} estimates average ${show(mean)} ± ${show(error)}.${hint}`);
    }],
  ]);
}
