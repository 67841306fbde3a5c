import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { kl, logMeanExp, splitSeed } from '../../src/index';
import { iwae } from '../../src/estimators/index';
import { logImportanceWeights } from '../../src/estimators/log-weights';
import { diagonalQ, exactLogEvidence, logJoint, posteriorQ, type LinearGaussian } from './linear-gaussian';

const N = 2; // data points per model
const GROUPS = 2000; // independent groups per bound: numSamples = 2000·k
const KS = [1, 5, 50] as const;

const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const matrix = (rows: number, cols: number, min: number, max: number) => fc.array(fc.array(num(min, max), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

/** Random small linear-Gaussian models (dz = 2, dx = 3, N = 2) and random diagonal q. */
const cases = fc.record({
  model: fc.record({ W: matrix(3, 2, -1.5, 1.5), b: fc.array(num(-1, 1), { minLength: 3, maxLength: 3 }), sigma: num(0.5, 1.5), x: matrix(N, 3, -2, 2) }),
  loc: matrix(N, 2, -1.5, 1.5),
  scale: matrix(N, 2, 0.3, 1.5),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

/**
 * IWAE_k from `iwae` with GROUPS groups, and the per-group values (the same draws, same seed) for its
 * standard error: the bound is a mean of GROUPS independent group values.
 */
async function bound(m: LinearGaussian, q: ReturnType<typeof diagonalQ>, k: number, seed: number): Promise<{ value: number[]; se: number[] }> {
  const value = await values(iwae({ logJoint: logJoint(m), q, k, numSamples: GROUPS * k, seed }));
  const perGroup = tf.tidy(() => {
    const { logWeights } = logImportanceWeights('test', logJoint(m), q, GROUPS * k, { reparameterized: true, seed });
    return logMeanExp(tf.reshape(logWeights, [GROUPS, k, N]), 1);
  });
  const flat = await values(perGroup);
  const mean: number[] = [];
  const se: number[] = [];
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let g = 0; g < GROUPS; g++) s += flat[g * N + n]!;
    const mu = s / GROUPS;
    let v = 0;
    for (let g = 0; g < GROUPS; g++) v += (flat[g * N + n]! - mu) ** 2;
    mean.push(mu);
    se.push(Math.sqrt(v / (GROUPS - 1) / GROUPS));
  }
  // The bound is the mean of the group values (float32 sums of 2000 terms: 1e-4 relative).
  expectClose(value, mean, { rtol: 1e-4, atol: 1e-4 });
  return { value, se };
}

describeEachBackend('bounds (fast-check over linear-Gaussian models)', (backend) => {
  it('E[ELBO] <= E[IWAE_5] <= E[IWAE_50] <= log p(x), each comparison with a 6-standard-error margin', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ model, loc, scale, seed }) => {
        const m: LinearGaussian = model;
        const q = diagonalQ(loc, scale);
        const post = posteriorQ(m);
        const logP = exactLogEvidence(m);
        const gap = await values(kl(q, post)); // KL(q ‖ p(z|x)) = log p(x) − ELBO(q), closed form
        const seeds = splitSeed(seed, KS.length); // independent draws per bound: their errors add in quadrature
        const [b1, b5, b50] = [await bound(m, q, 1, seeds[0]!), await bound(m, q, 5, seeds[1]!), await bound(m, q, 50, seeds[2]!)];
        q.dispose();
        post.dispose();
        const both = (a: { se: number[] }, b: { se: number[] }, n: number) => 6 * Math.hypot(a.se[n]!, b.se[n]!);
        for (let n = 0; n < N; n++) {
          const trueElbo = logP[n]! - gap[n]!;
          const tag = `model ${JSON.stringify(m)}, q ${JSON.stringify({ loc, scale })}, point ${n}`;
          // Each estimate is unbiased for its bound, so every assertion below is an inequality between
          // expectations checked only in the direction that holds, with 6 standard errors of slack
          // (+1e-4 for float32 sums): each fails by chance with probability < 1e-9.
          const slack = (s: number) => 6 * s + 1e-4;
          // The ELBO estimate is unbiased for log p(x) − KL(q ‖ posterior): a two-sided check of the formula.
          expect(Math.abs(b1.value[n]! - trueElbo), `ELBO ${tag}`).toBeLessThanOrEqual(slack(b1.se[n]!));
          expect(b1.value[n]!, `ELBO <= IWAE_5, ${tag}`).toBeLessThanOrEqual(b5.value[n]! + both(b1, b5, n) + 1e-4);
          expect(b5.value[n]!, `IWAE_5 <= IWAE_50, ${tag}`).toBeLessThanOrEqual(b50.value[n]! + both(b5, b50, n) + 1e-4);
          expect(b5.value[n]!, `IWAE_5 <= log p(x), ${tag}`).toBeLessThanOrEqual(logP[n]! + slack(b5.se[n]!));
          expect(b50.value[n]!, `IWAE_50 <= log p(x), ${tag}`).toBeLessThanOrEqual(logP[n]! + slack(b50.se[n]!));
          expect(b50.value[n]!, `IWAE_50 >= ELBO, ${tag}`).toBeGreaterThanOrEqual(trueElbo - slack(b50.se[n]!));
          // Strict gaps where the ELBO's gap is large. Not a theorem (a very narrow q could make the
          // gaps small): with q's scales >= 0.3 the fixed-seed cases clear 6 standard errors with
          // measured margins of 9.5 to 37 standard errors (on every backend: the draws are the same).
          if (gap[n]! > 0.1) {
            expect(b5.value[n]!, `IWAE_5 > ELBO where KL(q‖p(z|x)) = ${gap[n]} > 0.1, ${tag}`).toBeGreaterThan(b1.value[n]! + both(b1, b5, n));
            expect(b50.value[n]!, `IWAE_50 > IWAE_5 where KL(q‖p(z|x)) = ${gap[n]} > 0.1, ${tag}`).toBeGreaterThan(b5.value[n]! + both(b5, b50, n));
          }
        }
      }),
      // WebGPU here is lavapipe (a GPU emulated on the CPU): the first two of the same cases there.
      { numRuns: backend === 'webgpu' ? 2 : 5, seed: 42 },
    );
  });
});
