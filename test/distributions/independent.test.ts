import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { Independent, kl, klMonteCarlo, Normal, setBackend, ShapeError, Uniform, ValidationError } from '../../src/index';
import fixtures from '../fixtures/uniform-mixture.json';

const f = fixtures.independent;

// References: sums of scipy.stats.norm in float64 (scripts/make-fixtures-uniform-mixture.py); KL by quadrature.
describeEachBackend('Independent', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('Independent(Normal [3, 2], 1) has batch [3], event [2], and logProb = the sum of the Normal logProbs', async () => {
    const normal = new Normal({ loc: f.loc, scale: f.scale });
    const diag = new Independent(normal, 1);
    expect(diag.batchShape).toEqual([3]);
    expect(diag.eventShape).toEqual([2]);
    const logProb = diag.logProb(f.x);
    expect(logProb.shape).toEqual([2, 3]);
    // Values of order 1 summed from two float32 terms: rtol, plus atol 1e-6 for the rounding of each term.
    expectClose(await values(logProb), f.logProb.flat(), { rtol, atol: 1e-6 });
    const summed = await values(tf.sum(normal.logProb(f.x), -1));
    expectClose(await values(diag.logProb(f.x)), summed, { rtol });
    expect(diag.logProb([0, 1]).shape).toEqual([3]);
    normal.dispose();
  });

  it('reinterprets 0 or all batch dimensions', async () => {
    const normal = new Normal({ loc: f.loc, scale: f.scale });
    const none = new Independent(normal, 0);
    expect([none.batchShape, none.eventShape]).toEqual([[3, 2], []]);
    expectClose(await values(none.logProb(f.x)), await values(normal.logProb(f.x)), { rtol: 0 });
    const all = new Independent(normal, 2);
    expect([all.batchShape, all.eventShape]).toEqual([[], [3, 2]]);
    const logProb = all.logProb(f.x);
    expect(logProb.shape).toEqual([2]);
    expectClose(await values(logProb), f.logProb.map((row) => row.reduce((a, b) => a + b, 0)), { rtol, atol: 2e-6 });
    expect(all.sample([4, 5], { seed: 1 }).shape).toEqual([4, 5, 3, 2]);
    normal.dispose();
  });

  it('sums the entropy and delegates the moments and sampling to the base', async () => {
    const normal = new Normal({ loc: f.loc, scale: f.scale });
    const diag = new Independent(normal, 1);
    expectClose(await values(diag.entropy()), f.entropy, { rtol, atol: 1e-6 });
    expect(await values(diag.mean())).toEqual(f.loc.flat());
    expectClose(await values(diag.variance()), f.scale.flat().map((s) => s * s), { rtol });
    expectClose(await values(diag.stddev()), f.scale.flat(), { rtol });
    expect(diag.hasRsample).toBe(true);
    const draws = diag.sample([7], { seed: 5 });
    expect(draws.shape).toEqual([7, 3, 2]);
    expect(await values(draws)).toEqual(await values(normal.sample([7], { seed: 5 })));
    expect(await values(diag.sample(4, { seed: 3 }))).toEqual(await values(diag.sample(4, { seed: 3 })));
    normal.dispose();
  });

  it('rsample is differentiable through the base; sample is not', async () => {
    const loc = tf.tensor([1, 2]);
    const g = tf.grad((l: tf.Tensor) => tf.sum(new Independent(new Normal({ loc: l, scale: 1 }), 1).rsample(5, { seed: 4 })))(loc);
    expect(await values(g)).toEqual([5, 5]);
    const noGrad = tf.grad((l: tf.Tensor) => tf.sum(new Independent(new Normal({ loc: l, scale: 1 }), 1).sample(5, { seed: 4 })))(loc);
    expect(await values(noGrad)).toEqual([0, 0]);
    loc.dispose();
  });

  it('KL(Independent ‖ Independent) is the base KL summed over the last axis; 0 at p = q; agrees with klMonteCarlo', async () => {
    const p = new Normal({ loc: f.loc, scale: f.scale });
    const q = new Normal({ loc: f.qLoc, scale: f.qScale });
    const [ip, iq] = [new Independent(p, 1), new Independent(q, 1)];
    const divergence = await values(kl(ip, iq));
    expectClose(divergence, await values(tf.sum(kl(p, q), -1)), { rtol });
    // The quadrature is float64; the Normal closed form in float32 loses ~1e-7 absolute per term.
    expectClose(divergence, f.kl, { rtol: 1e-5, atol: 1e-6 });
    expect(divergence.every((v) => v >= 0)).toBe(true);
    expectClose(await values(kl(ip, ip)), [0, 0, 0], { atol: 1e-7 });
    // Monte Carlo with 1e5 draws: within 5 standard errors (the log-ratio's sd by quadrature, over √n).
    const n = 100_000;
    const estimate = await values(klMonteCarlo(ip, iq, { numSamples: n, seed: 1 }));
    estimate.forEach((e, i) => expect(Math.abs(e - f.kl[i]!), `row ${i}`).toBeLessThanOrEqual((5 * f.klSd[i]!) / Math.sqrt(n)));
    p.dispose();
    q.dispose();
  });

  it('KL of Independents with different reinterpretedBatchNdims or event shapes throws a ShapeError', () => {
    const p = new Normal({ loc: f.loc, scale: f.scale });
    expect(() => kl(new Independent(p, 1), new Independent(p, 2))).toThrow(ShapeError);
    expect(() => kl(new Independent(p, 1), new Independent(p, 2))).toThrow(
      'kl(Independent ‖ Independent): reinterpretedBatchNdims must be equal (got 1 and 2, event shapes [2] and [3,2])',
    );
    const narrow = new Normal({ loc: [[0], [1], [2]], scale: 1 });
    expect(() => kl(new Independent(p, 1), new Independent(narrow, 1))).toThrow(
      'kl(Independent ‖ Independent): event shapes must be equal (got [2] and [1])',
    );
    expect(() => kl(new Independent(p, 1), p)).toThrow('kl: no KL divergence is registered for Independent ‖ Normal');
    p.dispose();
    narrow.dispose();
  });

  it('leaks no tensors over repeated logProb, rsample, entropy, moments and kl', async () => {
    const p = new Independent(new Normal({ loc: [[0, 1]], scale: [[1, 2]] }), 1);
    const q = new Independent(new Normal({ loc: 0, scale: [1, 3] }), 1);
    const none = new Independent(new Uniform({ low: 0, high: [1, 2] }), 0);
    await expectFlatTensorCount(() => [
      p.logProb([0.5, 1]),
      p.rsample(3, { seed: 1 }),
      p.sample(3, { seed: 1 }),
      p.entropy(),
      p.mean(),
      p.variance(),
      kl(p, q),
      none.logProb(0.5),
      none.entropy(),
      kl(none, none),
    ]);
  });
});

describe('Independent input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('reinterpretedBatchNdims must be an integer in [0, base batch rank]', () => {
    const normal = new Normal({ loc: [[0, 1]], scale: 1 });
    expect(() => new Independent(normal, 3)).toThrow(ValidationError);
    expect(() => new Independent(normal, 3)).toThrow('Independent: reinterpretedBatchNdims must be an integer in [0, 2], the rank of base.batchShape [1,2] (got 3)');
    expect(() => new Independent(normal, -1)).toThrow('(got -1)');
    expect(() => new Independent(normal, 1.5)).toThrow('(got 1.5)');
    expect(() => new Independent({} as never, 0)).toThrow('Independent: base must be a Distribution (got an object with keys [])');
    normal.dispose();
  });

  it('checks logProb shapes against its own event shape; the base checks its support', () => {
    const diag = new Independent(new Uniform({ low: [[0, 0, 0]], high: 1 }), 1);
    expect(() => diag.logProb([0.5, 0.5])).toThrow('Independent.logProb: value shape [2] does not end in eventShape [3]');
    expect(diag.logProb([[0.5, 0.5, 0.5]]).shape).toEqual([1]);
    expect(() => diag.logProb([0.5, 2, 0.5])).toThrow('Uniform.logProb: value must be in [low, high] (got 2 at index [0,1])');
    expect(diag.validateArgs).toBe(true);
    expect(new Independent(new Normal({ loc: 0, scale: 1 }, { validateArgs: false }), 0).validateArgs).toBe(false);
  });

  it('does not dispose its base', async () => {
    const normal = new Normal({ loc: [0, 1], scale: 1 });
    const diag = new Independent(normal, 1);
    diag.dispose();
    expect(normal.loc.isDisposed).toBe(false);
    expect(await values(diag.logProb([0, 1]))).toHaveLength(1);
    normal.dispose();
    expect(normal.loc.isDisposed).toBe(true);
  });
});
