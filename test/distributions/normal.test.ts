import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { kl, klMonteCarlo, Normal, NotImplementedError, setBackend, ShapeError, ValidationError } from '../../src/index';
import fixtures from '../fixtures/normal.json';

// References: scipy.stats.norm in float64 (scripts/make-fixtures.py); KL by quadrature.
describeEachBackend('Normal', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('logProb matches scipy at 0, ±1, ±10 and ±40 sd for scales 1e-3 to 1e3', async () => {
    const normal = new Normal({ loc: fixtures.loc.map((v) => [v]), scale: fixtures.scale.map((v) => [v]) });
    expect(normal.batchShape).toEqual([6, 1]);
    const got = await values(normal.logProb(fixtures.x));
    // float32 x carries relative error 6e-8, which the quadratic term at 40 sd amplifies by 2·40²: atol 2e-4 there.
    expectClose(got, fixtures.logProb.flat(), { rtol, atol: 2e-4 });
    expect(got.every(Number.isFinite)).toBe(true);
  });

  it('cdf matches scipy and icdf matches scipy.stats.norm.ppf down to p = 1e-30', async () => {
    const normal = new Normal({ loc: fixtures.loc.map((v) => [v]), scale: fixtures.scale.map((v) => [v]) });
    const x = fixtures.x.map((row) => row.slice(0, 5));
    expectClose(await values(normal.cdf(x)), fixtures.cdf.flat(), { atol: 2e-6 });
    const standard = new Normal({ loc: 0, scale: 1 });
    expectClose(await values(standard.icdf(fixtures.p)), fixtures.icdf, { rtol: 1e-5, atol: 1e-6 });
    expect(await values(standard.icdf([0, 1]))).toEqual([-Infinity, Infinity]);
    standard.dispose();
  });

  it('has closed-form mean, variance, stddev and entropy with batch shape', async () => {
    const normal = new Normal({ loc: [1, 2, 3], scale: 2 });
    expect(await values(normal.mean())).toEqual([1, 2, 3]);
    expect(await values(normal.variance())).toEqual([4, 4, 4]);
    expect(await values(normal.stddev())).toEqual([2, 2, 2]);
    expectClose(await values(normal.entropy()), [0, 0, 0].map(() => 0.5 * Math.log(2 * Math.PI * Math.E * 4)), { rtol });
    normal.dispose();
  });

  it('samples with shape sampleShape ++ batchShape, reproducibly, with the right moments', async () => {
    const normal = new Normal({ loc: [-1, 5], scale: [0.5, 3] });
    const draws = normal.sample([20_000], { seed: 7 });
    expect(draws.shape).toEqual([20_000, 2]);
    expect(normal.sample([2, 3], { seed: 1 }).shape).toEqual([2, 3, 2]);
    expect(await values(normal.sample(4, { seed: 3 }))).toEqual(await values(normal.sample(4, { seed: 3 })));
    // sample mean within 5 standard errors (sd/√n)
    const mean = await values(tf.mean(draws, 0));
    expect(Math.abs((mean[0] as number) + 1)).toBeLessThan((5 * 0.5) / Math.sqrt(20_000));
    expect(Math.abs((mean[1] as number) - 5)).toBeLessThan((5 * 3) / Math.sqrt(20_000));
    draws.dispose();
    normal.dispose();
  });

  it('rsample is differentiable (pathwise: d x / d loc = 1, d x / d scale = ε); sample is not', async () => {
    const loc = tf.scalar(2);
    const scale = tf.scalar(3);
    const [dLoc, dScale] = tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal({ loc: l, scale: s }).rsample(5, { seed: 4 })))([loc, scale]);
    const eps = await values(tf.div(tf.sub(new Normal({ loc, scale }).rsample(5, { seed: 4 }), 2), 3));
    expectClose(await values(dLoc as tf.Tensor), [5], { rtol });
    expectClose(await values(dScale as tf.Tensor), [eps.reduce((a, b) => a + b, 0)], { rtol: 1e-5 });
    const noGrad = tf.grad((l: tf.Tensor) => tf.sum(new Normal({ loc: l, scale: 1 }).sample(3, { seed: 4 })))(loc);
    expect(await values(noGrad)).toEqual([0]);
  });

  it('KL matches quadrature, is 0 at p = q, and agrees with klMonteCarlo', async () => {
    const ps = fixtures.klPairs.map(([p]) => p as number[]);
    const qs = fixtures.klPairs.map(([, q]) => q as number[]);
    const p = new Normal({ loc: ps.map((v) => v[0] as number), scale: ps.map((v) => v[1] as number) });
    const q = new Normal({ loc: qs.map((v) => v[0] as number), scale: qs.map((v) => v[1] as number) });
    expectClose(await values(kl(p, q)), fixtures.kl, { rtol: 1e-5, atol: 1e-7 });
    // Monte Carlo with 2e5 draws: within 5 standard errors (sd of log-ratio ≤ 3.2 here → 0.036).
    const estimate = await values(klMonteCarlo(p, q, { numSamples: 200_000, seed: 1 }));
    expectClose(estimate, fixtures.kl, { atol: 0.04 });
    p.dispose();
    q.dispose();
  });

  it('leaks no tensors over repeated logProb, rsample and kl', async () => {
    const p = new Normal({ loc: [0, 1], scale: [1, 2] });
    const q = new Normal({ loc: 0, scale: 1 });
    await expectFlatTensorCount(() => [p.logProb([[0.5, 1]]), p.rsample(3, { seed: 1 }), kl(p, q), p.entropy(), p.cdf(0)]);
    p.dispose();
    q.dispose();
  });
});

describe('Normal input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('name the distribution, the argument, the rule and the value', () => {
    expect(() => new Normal({ loc: 0, scale: [1, 2, 1, -1] })).toThrow(ValidationError);
    expect(() => new Normal({ loc: 0, scale: [1, 2, 1, -1] })).toThrow('Normal: scale must be positive and finite (got -1 at index 3)');
    expect(() => new Normal({ loc: 0, scale: 0 })).toThrow('Normal: scale must be positive and finite (got 0)');
    expect(() => new Normal({ loc: NaN, scale: 1 })).toThrow('Normal: loc must be finite (got NaN)');
    expect(() => new Normal({ loc: [[0, 1]], scale: tf.tensor([[1], [-2]]) })).toThrow('Normal: scale must be positive and finite (got -2 at index [1,0])');
    expect(() => new Normal({ loc: [0, 1], scale: [1, 2, 3] })).toThrow(ShapeError);
    expect(() => new Normal({ loc: [0, 1], scale: [1, 2, 3] })).toThrow('Normal: loc and scale shapes [2] and [3] do not broadcast');
    expect(() => new Normal({ loc: 'a' as never, scale: 1 })).toThrow('Normal: loc must be a number, a rectangular nested array of numbers or a tf.Tensor (got "a")');
  });

  it('can be turned off per instance', () => {
    const normal = new Normal({ loc: 0, scale: -1 }, { validateArgs: false });
    expect(normal.validateArgs).toBe(false);
    normal.dispose();
  });

  it('check logProb shapes, and rsample exists', () => {
    const normal = new Normal({ loc: [0, 1, 2], scale: 1 });
    expect(() => normal.logProb([1, 2])).toThrow('Normal.logProb: value shape [2] does not broadcast with batchShape [3]');
    expect(normal.logProb([[1], [2]]).shape).toEqual([2, 3]);
    expect(normal.hasRsample).toBe(true);
    expect(() => normal.sample(-1)).toThrow('Normal.sample: sampleShape must be a non-negative integer or a list of them (got [-1])');
    normal.dispose();
  });

  it('say when there is no closed form', () => {
    class Odd extends Normal {
      override entropy(): tf.Tensor {
        throw this.noClosedForm('entropy');
      }
    }
    expect(() => new Odd({ loc: 0, scale: 1 }).entropy()).toThrow(NotImplementedError);
  });
});
