import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MultivariateNormalTriL } from '../../src/index';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

/** log det of a symmetric positive-definite matrix, in float64 (Cholesky). */
function logDet(a: number[][]): number {
  const n = a.length;
  const l = a.map((row) => row.map(() => 0));
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
    total += 2 * Math.log(l[i]![i]!);
  }
  return total;
}

const sub = (c: number[][], idx: number[]) => idx.map((i) => idx.map((j) => c[i]![j]!));

describeEachBackend('MultivariateNormalTriL.mutualInformation', () => {
  it('equals ½ log(det Σ_aa det Σ_bb / det Σ_ab) in float64 for random covariances (fast-check, 1e-5 relative)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 16, maxLength: 16 }), async (raw) => {
        // L with diagonal in [0.5, 1.5]: well-conditioned covariances of dimension 4.
        const l = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (j < i ? raw[4 * i + j]! : j === i ? 1 + 0.5 * raw[4 * i + j]! : 0)));
        const cov = l.map((ri) => l.map((rj) => ri.reduce((s, v, k) => s + v * rj[k]!, 0)));
        const p = new MultivariateNormalTriL({ loc: [0, 0, 0, 0], scaleTril: l });
        for (const [a, b] of [[[0], [1, 2, 3]], [[3, 1], [0]], [[2, 0], [1, 3]]]) {
          const exact = 0.5 * (logDet(sub(cov, a!)) + logDet(sub(cov, b!)) - logDet(sub(cov, [...a!, ...b!])));
          const [got] = await values(p.mutualInformation(a!, b!));
          expect(got).toBeGreaterThanOrEqual(0);
          expect(Math.abs(got! - exact)).toBeLessThanOrEqual(1e-5 * exact + 2e-6);
          const [swapped] = await values(p.mutualInformation(b!, a!));
          expect(Math.abs(swapped! - got!)).toBeLessThanOrEqual(1e-5 * exact + 2e-6);
        }
        p.dispose();
      }),
      { numRuns: 15, seed: 7 },
    );
  });

  it('is −½ log(1 − ρ²) for two coordinates, exactly 0 for independent blocks, accurate for weak dependence, batched', async () => {
    const rho = [0.8, 1e-3, 0];
    const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: rho.map((r) => [[1, 0], [r, Math.sqrt(1 - r * r)]]) });
    const got = await values(p.mutualInformation([0], [1]));
    // At ρ = 1e-3 the information is 5e-7: the log-determinant difference would lose it to float32 rounding.
    expectClose(got, rho.map((r) => -0.5 * Math.log1p(-r * r)), { rtol: 2e-3, atol: 1e-9 });
    expect(got[2]).toBe(0);
    p.dispose();
  });

  it('names bad blocks and leaks nothing', async () => {
    const p = new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0, 0], [0.5, 1, 0], [0.2, 0.3, 1]] });
    await expectNoLeak(() => p.mutualInformation([0, 2], [1]));
    expect(() => p.mutualInformation([0, 1], [1])).toThrow('MultivariateNormalTriL.mutualInformation: b must share no coordinate with a (got [1] and a = [0, 1])');
    expect(() => p.mutualInformation([0], [3])).toThrow('MultivariateNormalTriL.mutualInformation: indices must be integers in [0, 2]');
    expect(() => p.mutualInformation([], [1])).toThrow('indices must be a non-empty array');
    p.dispose();
  });
});
