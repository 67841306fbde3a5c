import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { kl, klMonteCarlo, Normal, setBackend, ShapeError, Uniform, ValidationError } from '../../src/index';
import fixtures from '../fixtures/uniform-mixture.json';

const f = fixtures.uniform;
const column = (v: number[]) => v.map((x) => [x]);

// References: scipy.stats.uniform in float64 (scripts/make-fixtures-uniform-mixture.py); KL by quadrature.
describeEachBackend('Uniform', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('logProb matches scipy inside and on the bounds, and is -Infinity outside without validation', async () => {
    const uniform = new Uniform({ low: column(f.low), high: column(f.high) }, { validateArgs: false });
    expect(uniform.batchShape).toEqual([5, 1]);
    const logProb = f.logProb.flat().map((v) => (v === null ? -Infinity : v));
    // logProb is -log(high - low) with high - low exact in float32 here: rtol only (atol for log 1 = 0).
    expectClose(await values(uniform.logProb(f.x)), logProb, { rtol, atol: 1e-7 });
    expect(await values(uniform.logProb([[NaN]]))).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
    uniform.dispose();
  });

  it('cdf, entropy, mean, variance and stddev match scipy', async () => {
    const columns = new Uniform({ low: column(f.low), high: column(f.high) });
    // cdf = (x - low)/(high - low): float32 rounding of x - low near 1e3 gives 6e-8 relative, atol 2e-7 on [0, 1].
    expectClose(await values(columns.cdf(f.x)), f.cdf.flat(), { atol: 2e-7 });
    columns.dispose();
    const uniform = new Uniform({ low: f.low, high: f.high });
    expectClose(await values(uniform.entropy()), f.entropy, { rtol, atol: 1e-7 });
    expectClose(await values(uniform.mean()), f.mean, { rtol, atol: 1e-10 });
    expectClose(await values(uniform.variance()), f.variance, { rtol });
    expectClose(await values(uniform.stddev()), f.variance.map(Math.sqrt), { rtol });
    uniform.dispose();
  });

  it('samples in [low, high) with shape sampleShape ++ batchShape, reproducibly, with the right moments', async () => {
    const uniform = new Uniform({ low: [-1, 10], high: [1, 10.5] });
    const n = 20_000;
    const draws = uniform.sample([n], { seed: 7 });
    expect(draws.shape).toEqual([n, 2]);
    expect(uniform.sample([2, 3], { seed: 1 }).shape).toEqual([2, 3, 2]);
    expect(await values(uniform.sample(4, { seed: 3 }))).toEqual(await values(uniform.sample(4, { seed: 3 })));
    const [min, max, mean] = await Promise.all([values(tf.min(draws, 0)), values(tf.max(draws, 0)), values(tf.mean(draws, 0))]);
    expect(min[0]).toBeGreaterThanOrEqual(-1);
    expect(max[0]).toBeLessThan(1);
    expect(min[1]).toBeGreaterThanOrEqual(10);
    expect(max[1]).toBeLessThanOrEqual(10.5);
    // sample mean within 5 standard errors (width/√12/√n)
    expect(Math.abs(mean[0] as number)).toBeLessThan((5 * 2) / Math.sqrt(12 * n));
    expect(Math.abs((mean[1] as number) - 10.25)).toBeLessThan((5 * 0.5) / Math.sqrt(12 * n));
    draws.dispose();
    uniform.dispose();
  });

  it('rsample is differentiable (dx/dlow = 1 - u, dx/dhigh = u); logProb too (∓1/(high - low))', async () => {
    const low = tf.scalar(-1);
    const high = tf.scalar(3);
    const [dLow, dHigh] = tf.grads((l: tf.Tensor, h: tf.Tensor) => tf.sum(new Uniform({ low: l, high: h }).rsample(6, { seed: 4 })))([low, high]);
    const u = await values(tf.div(tf.sub(new Uniform({ low, high }).rsample(6, { seed: 4 }), -1), 4));
    const sumU = u.reduce((a, b) => a + b, 0);
    expectClose(await values(dLow as tf.Tensor), [6 - sumU], { rtol: 1e-5 });
    expectClose(await values(dHigh as tf.Tensor), [sumU], { rtol: 1e-5 });
    const [gLow, gHigh] = tf.grads((l: tf.Tensor, h: tf.Tensor) => tf.sum(new Uniform({ low: l, high: h }).logProb([0, 2.5])))([low, high]);
    expectClose(await values(gLow as tf.Tensor), [0.5], { rtol });
    expectClose(await values(gHigh as tf.Tensor), [-0.5], { rtol });
    const noGrad = tf.grad((l: tf.Tensor) => tf.sum(new Uniform({ low: l, high: 3 }).sample(3, { seed: 4 })))(low);
    expect(await values(noGrad)).toEqual([0]);
  });

  it('KL(Uniform ‖ Uniform) matches quadrature: 0 at p = q, +Infinity when p is not inside q', async () => {
    const pairs = f.klUniformPairs;
    const p = new Uniform({ low: pairs.map(([a]) => a![0]!), high: pairs.map(([a]) => a![1]!) });
    const q = new Uniform({ low: pairs.map(([, b]) => b![0]!), high: pairs.map(([, b]) => b![1]!) });
    const expected = f.klUniform.map((v) => (v === null ? Infinity : v));
    expect(expected.slice(-2)).toEqual([Infinity, Infinity]);
    expectClose(await values(kl(p, q)), expected, { rtol, atol: 1e-7 });
    expect(await values(kl(p, p))).toEqual([0, 0, 0, 0, 0]);
    p.dispose();
    q.dispose();
    // log p - log q is constant under p: Monte Carlo is exact where p is inside q (draws outside q would throw).
    const inside = new Uniform({ low: pairs.slice(0, 3).map(([a]) => a![0]!), high: pairs.slice(0, 3).map(([a]) => a![1]!) });
    const outside = new Uniform({ low: pairs.slice(0, 3).map(([, b]) => b![0]!), high: pairs.slice(0, 3).map(([, b]) => b![1]!) });
    expectClose(await values(klMonteCarlo(inside, outside, { numSamples: 100, seed: 2 })), expected.slice(0, 3), { rtol, atol: 1e-7 });
    inside.dispose();
    outside.dispose();
  });

  it('KL(Uniform ‖ Normal) matches quadrature of the cross-entropy minus the entropy, and klMonteCarlo', async () => {
    const pairs = f.klNormalPairs;
    const p = new Uniform({ low: pairs.map(([a]) => a![0]!), high: pairs.map(([a]) => a![1]!) });
    const q = new Normal({ loc: pairs.map(([, b]) => b![0]!), scale: pairs.map(([, b]) => b![1]!) });
    const got = await values(kl(p, q));
    expectClose(got, f.klNormal, { rtol: 1e-5, atol: 1e-6 });
    expect(got.every((v) => v >= 0)).toBe(true);
    // Monte Carlo with 1e5 draws: within 5 standard errors (the sd of the log-ratio, by quadrature, over √n),
    // plus float32 rounding of the average, 1e-5 relative (klMonteCarlo sums with latent's accurate sum).
    const n = 100_000;
    const rounding = 1e-5;
    const estimate = await values(klMonteCarlo(p, q, { numSamples: n, seed: 1 }));
    estimate.forEach((e, i) => {
      const bound = (5 * f.klNormalSd[i]!) / Math.sqrt(n) + rounding * f.klNormal[i]!;
      expect(Math.abs(e - f.klNormal[i]!), `pair ${i}`).toBeLessThanOrEqual(bound);
    });
    p.dispose();
    q.dispose();
  });

  it('KL(Normal ‖ Uniform) is +Infinity with the broadcast batch shape', async () => {
    const p = new Normal({ loc: [0, 1, 2], scale: 1 });
    const q = new Uniform({ low: [[-100], [-1]], high: 100 });
    const divergence = kl(p, q);
    expect(divergence.shape).toEqual([2, 3]);
    expect(await values(divergence)).toEqual(Array(6).fill(Infinity));
    p.dispose();
    q.dispose();
  });

  it('leaks no tensors over repeated logProb, rsample, cdf, moments and kl', async () => {
    const p = new Uniform({ low: [0, 1], high: [1, 3] });
    const q = new Uniform({ low: -1, high: 4 });
    const normal = new Normal({ loc: 0, scale: 1 });
    await expectFlatTensorCount(() => [
      p.logProb([[0.5, 1]]),
      p.rsample(3, { seed: 1 }),
      p.sample(3, { seed: 1 }),
      p.cdf(0.5),
      p.entropy(),
      p.mean(),
      p.variance(),
      kl(p, q),
      kl(p, normal),
      kl(normal, p),
    ]);
    p.dispose();
    q.dispose();
    normal.dispose();
  });
});

describe('Uniform input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('high must be greater than low, named with the value and index', () => {
    expect(() => new Uniform({ low: 1, high: 1 })).toThrow(ValidationError);
    expect(() => new Uniform({ low: 1, high: 1 })).toThrow('Uniform: high must be greater than low (got 1)');
    expect(() => new Uniform({ low: [0, 0, 2], high: [1, 2, 1] })).toThrow('Uniform: high must be greater than low (got 1 at index 2)');
    expect(() => new Uniform({ low: [[0], [5]], high: [1, 2, 6] })).toThrow('Uniform: high must be greater than low (got 1 at index [1,0])');
    expect(() => new Uniform({ low: tf.tensor([[0], [5]]), high: [1, 2, 6] })).toThrow('Uniform: high must be greater than low (got 1 at index [1,0])');
    expect(() => new Uniform({ low: 0, high: tf.tensor([1, -2]) })).toThrow('Uniform: high must be greater than low (got -2 at index 1)');
    expect(() => new Uniform({ low: -Infinity, high: 0 })).toThrow('Uniform: low must be finite (got -Infinity)');
    expect(() => new Uniform({ low: 0, high: NaN })).toThrow('Uniform: high must be finite (got NaN)');
    expect(() => new Uniform({ low: [0, 1], high: [1, 2, 3] })).toThrow(ShapeError);
    expect(() => new Uniform({ low: [0, 1], high: [1, 2, 3] })).toThrow('Uniform: low and high shapes [2] and [3] do not broadcast');
  });

  it('check logProb values against [low, high] when validating, and shapes always', () => {
    const uniform = new Uniform({ low: [0, 1, 2], high: 3 });
    expect(() => uniform.logProb([0.5, 1.5, 3.5])).toThrow('Uniform.logProb: value must be in [low, high] (got 3.5 at index 2)');
    expect(() => uniform.logProb(tf.tensor([[2.5], [0.5]]))).toThrow('Uniform.logProb: value must be in [low, high] (got 0.5 at index [1,1])');
    expect(() => uniform.logProb([1, 2])).toThrow('Uniform.logProb: value shape [2] does not broadcast with batchShape [3]');
    expect(uniform.logProb([[2], [3]]).shape).toEqual([2, 3]);
    expect(uniform.hasRsample).toBe(true);
    uniform.dispose();
  });

  it('can be turned off per instance', () => {
    const uniform = new Uniform({ low: 1, high: 0 }, { validateArgs: false });
    expect(uniform.validateArgs).toBe(false);
    uniform.dispose();
  });
});
