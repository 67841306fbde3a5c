import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { kl, klMonteCarlo, MultivariateNormalDiag, MultivariateNormalTriL, randomNormal, setBackend, ShapeError, ValidationError } from '../../src/index';
import fixtures from '../fixtures/mvn.json';

// References: scipy.stats.multivariate_normal in float64 on the float32 inputs
// (scripts/make-fixtures-mvn.py); logProb gradients analytic, KL and its gradients from covariances
// by numpy.linalg.solve/slogdet and float64 central differences.
//
// Tolerances: 1e-6 relative on cpu and wasm, 4e-6 on webgpu (GPU log and division are not
// correctly rounded), 40 sd out included (measured: at most 1.3e-7 on all three backends).
// Gradients relative to their largest entry: 2e-6 / 4e-6 (measured at most 3e-7). The d = 1 KL is
// 0.08, with an absolute 2e-7·d added for the cancellation of its O(d) terms.
const { distributions: cases, kl: klCases } = fixtures;

function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function expectCloseToMax(actual: readonly number[], expected: readonly number[], rel: number): void {
  expect(actual.every(Number.isFinite), 'finite').toBe(true);
  expectClose(actual, expected, { atol: rel * Math.max(maxAbs(expected), 1e-3) });
}

describeEachBackend('MultivariateNormalDiag', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;
  const gtol = backend === 'webgpu' ? 4e-6 : 2e-6;

  it.each(cases.map((c) => [c.d, c] as const))('logProb matches scipy for d = %i, at the mean, typical points, 10 and 40 sd', async (d, c) => {
    const p = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    expect(p.batchShape).toEqual([]);
    expect(p.eventShape).toEqual([d]);
    expectClose(await values(p.logProb(c.xDiag)), c.logProbDiag, { rtol });
    p.dispose();
  });

  it.each(cases.map((c) => [c.d, c] as const))('entropy, mean, variance, stddev and covariance for d = %i', async (d, c) => {
    const p = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    expectClose(await values(p.entropy()), [c.entropyDiag], { rtol });
    expect(await values(p.mean())).toEqual(c.loc);
    const f32 = c.scaleDiag.map(Math.fround);
    expectClose(await values(p.variance()), f32.map((s) => s * s), { rtol });
    expect(await values(p.stddev())).toEqual(f32);
    const cov = p.covariance();
    expect(cov.shape).toEqual([d, d]);
    expectClose(await values(cov), f32.flatMap((s, i) => f32.map((_, j) => (i === j ? s * s : 0))), { rtol });
    p.dispose();
  });

  it('agrees with MultivariateNormalTriL given diag(scaleDiag)', async () => {
    const c = cases[3]!; // d = 16
    const p = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    const q = new MultivariateNormalTriL({ loc: c.loc, scaleTril: c.scaleDiag.map((s, i) => c.scaleDiag.map((_, j) => (i === j ? s : 0))) });
    expectClose(await values(p.logProb(c.xDiag)), await values(q.logProb(c.xDiag)), { rtol });
    expectClose(await values(p.entropy()), await values(q.entropy()), { rtol });
    p.dispose();
    q.dispose();
  });

  it('broadcasts loc and scaleDiag into batchShape; logProb broadcasts against it', async () => {
    const p = new MultivariateNormalDiag({ loc: [[0, 0, 0], [1, 1, 1]], scaleDiag: [1, 2, 3] });
    expect(p.batchShape).toEqual([2]);
    expect(p.eventShape).toEqual([3]);
    expect(p.logProb([[[0, 0, 0]], [[1, 1, 1]], [[2, 2, 2]], [[3, 3, 3]]]).shape).toEqual([4, 2]);
    expect(p.logProb([0, 0, 0]).shape).toEqual([2]);
    expect(p.sample([5, 4], { seed: 1 }).shape).toEqual([5, 4, 2, 3]);
    expect(p.entropy().shape).toEqual([2]);
    expect(p.mean().shape).toEqual([2, 3]);
    expect(p.variance().shape).toEqual([2, 3]);
    expect(p.stddev().shape).toEqual([2, 3]);
    expect(p.covariance().shape).toEqual([2, 3, 3]);
    // one scale for every coordinate: scaleDiag [1] broadcasts to the event
    const shared = new MultivariateNormalDiag({ loc: [0, 1, 2, 3], scaleDiag: [2] });
    expect(shared.eventShape).toEqual([4]);
    const lp = (await values(shared.logProb([0, 1, 2, 3])))[0] as number;
    expectClose([lp], [-4 * (Math.log(2) + 0.5 * Math.log(2 * Math.PI))], { rtol });
    expectClose(await values(shared.entropy()), [4 * (Math.log(2) + 0.5 * Math.log(2 * Math.PI * Math.E))], { rtol });
    p.dispose();
    shared.dispose();
  });

  it('samples reproducibly, with the right mean and standard deviations', async () => {
    const c = cases[2]!; // d = 5
    const p = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    const n = 20_000;
    const draws = p.sample(n, { seed: 9 });
    expect(draws.shape).toEqual([n, 5]);
    expect(await values(p.sample(3, { seed: 2 }))).toEqual(await values(p.sample(3, { seed: 2 })));
    const { mean, variance } = tf.moments(draws, 0);
    const m = await values(mean);
    const v = await values(variance);
    // within 5 standard errors: σ/√n for the mean, σ²√(2/n) for the variance
    m.forEach((x, i) => expect(Math.abs(x - c.loc[i]!)).toBeLessThan((5 * c.scaleDiag[i]!) / Math.sqrt(n)));
    v.forEach((x, i) => expect(Math.abs(x - c.scaleDiag[i]! ** 2)).toBeLessThan(5 * c.scaleDiag[i]! ** 2 * Math.sqrt(2 / n)));
    draws.dispose();
    p.dispose();
  });

  it('rsample is pathwise: d Σx / d loc = n, d Σx / d scaleDiag = Σ ε; sample is not', async () => {
    const loc = tf.tensor([1, -1, 0.5]);
    const scale = tf.tensor([2, 0.5, 1]);
    const n = 6;
    const f = (l: tf.Tensor, s: tf.Tensor) => tf.sum(new MultivariateNormalDiag({ loc: l, scaleDiag: s }).rsample(n, { seed: 8 }));
    const [gLoc, gScale] = tf.grads(f)([loc, scale]) as [tf.Tensor, tf.Tensor];
    expectClose(await values(gLoc), [n, n, n], { rtol });
    // sums of 6 draws: atol for cancellation
    expectClose(await values(gScale), await values(tf.sum(randomNormal([n, 3], { seed: 8 }), 0)), { rtol, atol: 1e-6 });
    const noGrad = tf.grad((l: tf.Tensor) => tf.sum(new MultivariateNormalDiag({ loc: l, scaleDiag: scale }).sample(2, { seed: 8 })))(loc);
    expect(await values(noGrad)).toEqual([0, 0, 0]);
    tf.dispose([loc, scale]);
  });

  it.each(cases.map((c) => [c.d, c] as const))('logProb gradients in loc and scaleDiag match the analytic float64 ones for d = %i', async (_d, c) => {
    const f = (loc: tf.Tensor, scale: tf.Tensor) => tf.sum(new MultivariateNormalDiag({ loc, scaleDiag: scale }).logProb(c.xDiag.slice(0, 3)));
    const [gLoc, gScale] = tf.grads(f)([tf.tensor(c.loc), tf.tensor(c.scaleDiag)]) as [tf.Tensor, tf.Tensor];
    expectCloseToMax(await values(gLoc), c.gradLogProbDiag.loc, gtol);
    expectCloseToMax(await values(gScale), c.gradLogProbDiag.scaleDiag, gtol);
  });

  it('parameters given as numbers: logProb and its gradient in x as with tensors, = −Σ_batch (x − loc)/scale², broadcasting', async () => {
    const loc = [[0.5, -1, 2], [0, 0, 0]];
    const scale = [[2, 0.5, 1], [1, 1, 1]];
    const x = [0.3, 1.2, -0.7];
    const constant = new MultivariateNormalDiag({ loc, scaleDiag: scale });
    const [locT, scaleT] = [tf.tensor(loc), tf.tensor(scale)];
    const given = new MultivariateNormalDiag({ loc: locT, scaleDiag: scaleT });
    const xt = tf.tensor(x);
    const [value, grad] = [constant.logProb(xt), tf.grad((v: tf.Tensor) => tf.sum(constant.logProb(v)))(xt)];
    expect(await values(value)).toEqual(await values(given.logProb(xt)));
    expect(grad.shape).toEqual([3]);
    const g = await values(grad);
    expect(g).toEqual(await values(tf.grad((v: tf.Tensor) => tf.sum(given.logProb(v)))(xt)));
    const f32 = (m: number[][]) => m.map((row) => row.map(Math.fround));
    const want = x.map((_, j) => -f32(loc).reduce((acc, row, b) => acc + (Math.fround(x[j]!) - row[j]!) / f32(scale)[b]![j]! ** 2, 0));
    expectClose(g, want, { rtol });
    await expectFlatTensorCount(() => tf.grad((v: tf.Tensor) => tf.sum(constant.logProb(v)))(xt));
    tf.dispose([locT, scaleT, xt]);
    constant.dispose();
    given.dispose();
  });

  it.each(klCases.map((c) => [c.d, c] as const))('KL matches numpy float64 for d = %i, and klMonteCarlo within 5 standard errors', async (d, c) => {
    const pair = c.pairs.DiagDiag;
    const p = new MultivariateNormalDiag({ loc: c.locP, scaleDiag: c.scaleDiagP });
    const q = new MultivariateNormalDiag({ loc: c.locQ, scaleDiag: c.scaleDiagQ });
    expectClose(await values(kl(p, q)), [pair.kl], { rtol, atol: 2e-7 * d });
    const n = 20_000;
    expectClose(await values(klMonteCarlo(p, q, { numSamples: n, seed: 5 })), [pair.kl], { atol: (5 * pair.logRatioSd) / Math.sqrt(n) });
    p.dispose();
    q.dispose();
  });

  it.each(klCases.map((c) => [c.d, c] as const))('KL has finite gradients in all four parameters matching float64 differences for d = %i', async (_d, c) => {
    const inputs = [c.locP, c.scaleDiagP, c.locQ, c.scaleDiagQ].map((v) => tf.tensor(v));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor, f: tf.Tensor) =>
      kl(new MultivariateNormalDiag({ loc: a, scaleDiag: b }), new MultivariateNormalDiag({ loc: e, scaleDiag: f })),
    )(inputs);
    const want = c.pairs.DiagDiag.grad;
    expectCloseToMax(await values(grads[0]!), want.locP, gtol);
    expectCloseToMax(await values(grads[1]!), want.scaleP, gtol);
    expectCloseToMax(await values(grads[2]!), want.locQ, gtol);
    expectCloseToMax(await values(grads[3]!), want.scaleQ, gtol);
    tf.dispose(inputs);
  });

  it('KL is 0 from a distribution to itself and positive otherwise, batch shapes broadcasting', async () => {
    const c = klCases[2]!;
    const p = new MultivariateNormalDiag({ loc: [c.locP, c.locQ], scaleDiag: [c.scaleDiagP, c.scaleDiagQ] });
    const q = new MultivariateNormalDiag({ loc: c.locQ, scaleDiag: c.scaleDiagQ });
    const both = await values(kl(p, q));
    expectClose(both, [c.pairs.DiagDiag.kl, 0], { rtol, atol: 1e-6 });
    expect(both[0]).toBeGreaterThan(0);
    expectClose(await values(kl(p, p)), [0, 0], { atol: 1e-6 });
    p.dispose();
    q.dispose();
  });

  it('leaks no tensors over logProb, sampling, moments, covariance and kl', async () => {
    const c = cases[2]!;
    const p = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    await expectFlatTensorCount(() => [
      p.logProb(c.xDiag), p.sample(2, { seed: 1 }), p.rsample(2, { seed: 1 }), p.entropy(), p.mean(), p.variance(), p.stddev(), p.covariance(), kl(p, p),
      ...tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new MultivariateNormalDiag({ loc: l, scaleDiag: s }).logProb(c.xDiag)))([p.loc, p.scaleDiag]),
    ]);
    p.dispose();
  });
});

describe('MultivariateNormalDiag input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('name the distribution, the argument, the rule and the value', () => {
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, -1] })).toThrow(ValidationError);
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, -1] })).toThrow('MultivariateNormalDiag: scaleDiag must be positive and finite (got -1 at index 1)');
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [[1, 1], [0, 1]] })).toThrow('MultivariateNormalDiag: scaleDiag must be positive and finite (got 0 at index [1,0])');
    expect(() => new MultivariateNormalDiag({ loc: [Infinity, 0], scaleDiag: [1, 1] })).toThrow('MultivariateNormalDiag: loc must be finite (got Infinity at index 0)');
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: tf.tensor([1, NaN]) })).toThrow('MultivariateNormalDiag: scaleDiag must be positive and finite (got NaN at index 1)');
  });

  it('check shapes', () => {
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1, 1] })).toThrow(ShapeError);
    expect(() => new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1, 1] })).toThrow('MultivariateNormalDiag: loc and scaleDiag shapes [2] and [3] do not broadcast');
    expect(() => new MultivariateNormalDiag({ loc: 0, scaleDiag: [1] })).toThrow('MultivariateNormalDiag: loc must have at least one dimension, the event [..., d] (got a scalar)');
    expect(() => new MultivariateNormalDiag({ loc: [0], scaleDiag: 1 })).toThrow('MultivariateNormalDiag: scaleDiag must have at least one dimension, the event [..., d] (got a scalar)');
    const p = new MultivariateNormalDiag({ loc: [[0, 0], [1, 1], [2, 2]], scaleDiag: [1, 1] });
    expect(() => p.logProb([1, 2, 3])).toThrow('MultivariateNormalDiag.logProb: value shape [3] does not end in eventShape [2]');
    expect(() => p.logProb([[1, 2], [3, 4]])).toThrow('MultivariateNormalDiag.logProb: value shape [2,2] does not broadcast with batchShape [3]');
    expect(p.hasRsample).toBe(true);
    expect(new MultivariateNormalDiag({ loc: [0], scaleDiag: [-1] }, { validateArgs: false }).validateArgs).toBe(false);
    const q = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    expect(() => kl(p, q)).toThrow('kl: MultivariateNormalDiag ‖ MultivariateNormalDiag: event shapes [2] and [3] differ');
  });
});
