import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli, Categorical, Exponential, MultivariateNormalTriL, Normal, Poisson, type Distribution } from '../../src/index';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
/** A parameter's values, leaving it to its distribution. */
const read = async (t: tf.Tensor) => Array.from(await t.data());

/** Σ log p(x) under `d`, read back. */
async function totalLogProb(d: Distribution, x: number[] | number[][]): Promise<number> {
  return (await values(tf.tidy(() => tf.sum(d.logProb(x)))))[0]!;
}

describeEachBackend('closed-form maximum likelihood', (backend) => {
  it('matches the float64 formulas (mean, root mean square deviation, frequencies, covariance with divisor N)', async () => {
    const columns = [[1.5, -2, 3.25, 0.5, 7], [10, 12, 11, 13, 9.5]];
    const rows = columns[0]!.map((_, i) => columns.map((c) => c[i]!));
    const normal = Normal.mle(rows);
    expectClose(await read(normal.loc), columns.map(mean), { rtol: 1e-6 });
    expectClose(await read(normal.scale), columns.map((c) => Math.sqrt(mean(c.map((v) => (v - mean(c)) ** 2)))), { rtol: 1e-6 });
    expectClose(await values(Exponential.mle([0.5, 1.5, 2]).rate), [0.75], { rtol: 1e-6 });
    expectClose(await values(Poisson.mle([[2, 0], [4, 1], [3, 0], [7, 0]]).rate), [4, 0.25], { rtol: 1e-7 });
    const bernoulli = Bernoulli.mle([[1, 0], [1, 0], [0, 0], [1, 0]]);
    expectClose(await values(bernoulli.probs()), [0.75, 0], { rtol: 1e-7 });
    expect(await read(bernoulli.logits)).toEqual([Math.fround(Math.log(3)), -Infinity]);
    expectClose(await values(Categorical.mle([0, 2, 2, 1], 4).probs()), [0.25, 0.25, 0.5, 0], { rtol: 1e-6 });
    // Batched categorical: [N = 3, batch 2] → probs [2, 3].
    expectClose(await values(Categorical.mle([[0, 2], [0, 1], [1, 2]], 3).probs()), [2 / 3, 1 / 3, 0, 0, 1 / 3, 2 / 3], { rtol: 1e-6 });
    const points = [[0, 0], [2, 1], [1, 3], [3, 4]];
    const mvn = MultivariateNormalTriL.mle(points);
    expectClose(await read(mvn.loc), [1.5, 2], { rtol: 1e-6 });
    expectClose(await values(mvn.covariance()), [1.25, 1.25, 1.25, 2.5], { rtol: 1e-5 });
  });

  it('the estimate maximises the likelihood: moving any parameter lowers Σ log p(x) (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 12 }),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }).filter((t) => Math.abs(t) > 1e-3),
        async (xs, step) => {
          fc.pre(Math.max(...xs) - Math.min(...xs) > 0.1);
          const fit = Normal.mle(xs);
          const [loc, scale] = [(await read(fit.loc))[0]!, (await read(fit.scale))[0]!];
          const best = await totalLogProb(fit, xs);
          for (const [l, s] of [[loc + step, scale], [loc, scale * (1 + step)]] as const) {
            const other = new Normal({ loc: l, scale: s });
            // float32 sums of a dozen terms: 1e-4 relative slack on ties near the optimum.
            expect(await totalLogProb(other, xs)).toBeLessThanOrEqual(best + 1e-4 * Math.abs(best) + 1e-5);
            other.dispose();
          }
          fit.dispose();
        },
      ),
      { numRuns: 20, seed: 3 },
    );
    const counts = [0, 3, 1, 4, 2, 2];
    const fit = Poisson.mle(counts);
    const best = await totalLogProb(fit, counts);
    for (const rate of [1.8, 2.2]) expect(await totalLogProb(new Poisson({ rate }), counts)).toBeLessThan(best);
  });

  it('refuses data without a valid estimate, naming the function and the reason, and leaks nothing', async () => {
    if (backend !== 'webgpu') {
      // Estimates are tensors: WebGPU in Node cannot read them synchronously, so only the data is checked there.
      await expectThrowsWithoutLeak(() => Normal.mle([2, 2, 2]));
      expect(() => Normal.mle([2, 2, 2])).toThrow('Normal.mle: x must vary along its first axis, or the MLE scale is 0 (got Normal: scale must be positive');
      expect(() => Poisson.mle([0, 0])).toThrow('Poisson.mle: x must not be all 0, or the MLE rate is 0');
      await expectThrowsWithoutLeak(() => MultivariateNormalTriL.mle([[0, 0], [1, 1], [2, 2]]));
      expect(() => MultivariateNormalTriL.mle([[0, 0], [1, 1], [2, 2]])).toThrow('MultivariateNormalTriL.mle: x must span every direction');
      expect(() => MultivariateNormalTriL.mle([[0, 0], [1, 1]])).toThrow('MultivariateNormalTriL.mle: x must span every direction'); // N ≤ D
    }
    expect(() => Poisson.mle([1, 2.5])).toThrow('Poisson.mle: x must be a non-negative integer (got 2.5 at index 1)');
    expect(() => Bernoulli.mle([0, 2])).toThrow('Bernoulli.mle: x must be 0 or 1 (got 2 at index 1)');
    expect(() => Categorical.mle([0, 3], 3)).toThrow('Categorical.mle: x must be an integer in [0, 2] (got 3 at index 1)');
    expect(() => Categorical.mle([0, 1], 0)).toThrow('Categorical.mle: numCategories must be a positive integer');
    expect(() => Normal.mle([])).toThrow('Normal.mle: x must hold at least one observation along its first axis');
    expect(() => MultivariateNormalTriL.mle([1, 2])).toThrow('MultivariateNormalTriL.mle: x must hold at least one observation along its first axis, shape [N, ...batchShape, D] (got [2])');
  });

  it('owns its estimates: dispose frees them, and nothing else is left', async () => {
    await expectNoLeak(() => {
      for (const d of [Normal.mle([1, 2, 4]), Poisson.mle([1, 2]), Categorical.mle([0, 1], 2), MultivariateNormalTriL.mle([[0, 0], [2, 1], [1, 3]])]) d.dispose();
    });
  });
});
