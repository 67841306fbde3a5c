import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import {
  kl,
  klMonteCarlo,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  NonFiniteError,
  randomNormal,
  setBackend,
  ShapeError,
  ValidationError,
} from '../../src/index';
import fixtures from '../fixtures/mvn.json';

// References: scipy.stats.multivariate_normal and numpy.linalg in float64 on the float32 inputs
// (scripts/make-fixtures-mvn.py). Conditionals by the textbook Schur complement; gradients analytic
// (logProb) or by float64 central differences (KL, conditionals).
//
// Tolerances: values 1e-6 relative on cpu and wasm, 4e-6 on webgpu (GPU log and division are not
// correctly rounded), 40 sd out included (measured: at most 1.4e-7 on all three backends). Where a
// result is a sum of O(d) terms that cancel (a KL near 0) an absolute 2e-7·d is added: each term
// carries float32's relative 6e-8 (measured: 5e-8 for a KL of 7e-5 at d = 1). Matrices and
// gradients are compared relative to their largest entry, since a solve's error scales with the
// solution's size, not each entry's: 2e-6 (cpu, wasm) and 4e-6 (webgpu), measured at most 7e-7.
const { distributions: cases, kl: klCases, gaussian } = fixtures;

function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function expectCloseToMax(actual: readonly number[], expected: readonly number[], rel: number): void {
  expect(actual.every(Number.isFinite), 'finite').toBe(true);
  expectClose(actual, expected, { atol: rel * Math.max(maxAbs(expected), 1e-3) });
}

function tril(c: { loc: number[]; scaleTril: number[][] }): MultivariateNormalTriL {
  return new MultivariateNormalTriL({ loc: c.loc, scaleTril: c.scaleTril });
}

type KLCase = (typeof klCases)[number];
type PairName = keyof KLCase['pairs'];
const TRIL_PAIRS: PairName[] = ['TriLTriL', 'DiagTriL', 'TriLDiag'];

/** p and q of a KL fixture pair, from tensors (so that gradients can be taken). */
function klPair(name: PairName, locP: tf.Tensor, scaleP: tf.Tensor, locQ: tf.Tensor, scaleQ: tf.Tensor) {
  const make = (kind: string, loc: tf.Tensor, scale: tf.Tensor) =>
    kind === 'Diag' ? new MultivariateNormalDiag({ loc, scaleDiag: scale }) : new MultivariateNormalTriL({ loc, scaleTril: scale });
  const [kp, kq] = name === 'DiagDiag' ? ['Diag', 'Diag'] : name === 'TriLTriL' ? ['TriL', 'TriL'] : name === 'DiagTriL' ? ['Diag', 'TriL'] : ['TriL', 'Diag'];
  return [make(kp!, locP, scaleP), make(kq!, locQ, scaleQ)] as const;
}

function klInputs(c: KLCase, name: PairName): number[][] | number[][][] {
  const p = name.startsWith('Diag') ? c.scaleDiagP : c.scaleTrilP;
  const q = name.endsWith('Diag') ? c.scaleDiagQ : c.scaleTrilQ;
  return [c.locP, p, c.locQ, q] as number[][] | number[][][];
}

describeEachBackend('MultivariateNormalTriL', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;
  const gtol = backend === 'webgpu' ? 4e-6 : 2e-6;

  it.each(cases.map((c) => [c.d, c] as const))('logProb matches scipy for d = %i, at the mean, typical points, 10 and 40 sd', async (d, c) => {
    const p = tril(c);
    expect(p.batchShape).toEqual([]);
    expect(p.eventShape).toEqual([d]);
    expectClose(await values(p.logProb(c.xTril)), c.logProbTril, { rtol });
    p.dispose();
  });

  it.each(cases.map((c) => [c.d, c] as const))('entropy, mean, variance, stddev and covariance match numpy for d = %i', async (d, c) => {
    const p = tril(c);
    expectClose(await values(p.entropy()), [c.entropyTril], { rtol });
    expect(await values(p.mean())).toEqual(c.loc);
    expectClose(await values(p.variance()), c.variance, { rtol });
    expectClose(await values(p.stddev()), c.variance.map(Math.sqrt), { rtol });
    const cov = p.covariance();
    expect(cov.shape).toEqual([d, d]);
    expectCloseToMax(await values(cov), c.covariance.flat(), rtol);
    p.dispose();
  });

  it('broadcasts loc [2, d] with one scaleTril; logProb broadcasts value batch against batchShape', async () => {
    const c = cases[2]!;
    const shifted = c.loc.map((v) => v + 1);
    const p = new MultivariateNormalTriL({ loc: [c.loc, shifted], scaleTril: c.scaleTril });
    expect(p.batchShape).toEqual([2]);
    expect(p.eventShape).toEqual([5]);
    const x = c.xTril.slice(0, 3).map((row) => [row]); // [3, 1, 5]
    const lp = p.logProb(x);
    expect(lp.shape).toEqual([3, 2]);
    const got = await values(lp);
    expectClose([0, 1, 2].map((k) => got[2 * k] as number), c.logProbTril.slice(0, 3), { rtol });
    const q = new MultivariateNormalTriL({ loc: shifted, scaleTril: c.scaleTril });
    expectClose([0, 1, 2].map((k) => got[2 * k + 1] as number), await values(q.logProb(c.xTril.slice(0, 3))), { rtol });
    expect(p.logProb(c.loc).shape).toEqual([2]);
    expect(p.sample([4, 3], { seed: 1 }).shape).toEqual([4, 3, 2, 5]);
    expect(p.entropy().shape).toEqual([2]);
    expect(p.mean().shape).toEqual([2, 5]);
    expect(p.variance().shape).toEqual([2, 5]);
    expect(p.covariance().shape).toEqual([2, 5, 5]);
    // a batch of scale matrices with one loc
    const batched = new MultivariateNormalTriL({ loc: c.loc, scaleTril: [c.scaleTril, c.scaleTril, c.scaleTril] });
    expect(batched.batchShape).toEqual([3]);
    expectClose(await values(batched.logProb(c.xTril[1]!)), Array(3).fill(c.logProbTril[1]), { rtol });
    [p, q, batched].forEach((dist) => dist.dispose());
  });

  it('samples with shape sampleShape ++ batchShape ++ eventShape, reproducibly, with the right mean and covariance', async () => {
    const c = cases[2]!; // d = 5
    const p = tril(c);
    const n = 20_000;
    const draws = p.sample(n, { seed: 11 });
    expect(draws.shape).toEqual([n, 5]);
    expect(await values(p.sample(3, { seed: 5 }))).toEqual(await values(p.sample(3, { seed: 5 })));
    const mean = tf.mean(draws, 0);
    const centered = tf.sub(draws, mean);
    const cov = await values(tf.div(tf.matMul(tf.transpose(centered), centered), n));
    const m = await values(mean);
    const sigma = c.covariance;
    // sample mean within 5 standard errors √(Σii/n); sample covariance within 5 standard errors √((ΣiiΣjj + Σij²)/n)
    m.forEach((v, i) => expect(Math.abs(v - c.loc[i]!)).toBeLessThan(5 * Math.sqrt(sigma[i]![i]! / n)));
    cov.forEach((v, k) => {
      const [i, j] = [Math.floor(k / 5), k % 5];
      const se = Math.sqrt((sigma[i]![i]! * sigma[j]![j]! + sigma[i]![j]! ** 2) / n);
      expect(Math.abs(v - sigma[i]![j]!), `covariance [${i},${j}]`).toBeLessThan(5 * se);
    });
    tf.dispose([draws, mean, centered]);
    p.dispose();
  });

  it('rsample is pathwise: d Σx / d loc = n, d Σx / d L_ij = Σ ε_j below the diagonal and 0 above; sample is not', async () => {
    const c = cases[1]!; // d = 2
    const loc = tf.tensor(c.loc);
    const scale = tf.tensor(c.scaleTril);
    const n = 7;
    const f = (l: tf.Tensor, s: tf.Tensor) => tf.sum(new MultivariateNormalTriL({ loc: l, scaleTril: s }).rsample(n, { seed: 4 }));
    const [gLoc, gScale] = tf.grads(f)([loc, scale]) as [tf.Tensor, tf.Tensor];
    const eps = await values(tf.sum(randomNormal([n, 2], { seed: 4 }), 0));
    expectClose(await values(gLoc), [n, n], { rtol });
    expectClose(await values(gScale), [eps[0]!, 0, eps[0]!, eps[1]!], { rtol, atol: 1e-6 }); // sums of 7 draws: atol for cancellation
    const noGrad = tf.grad((l: tf.Tensor) => tf.sum(new MultivariateNormalTriL({ loc: l, scaleTril: scale }).sample(3, { seed: 4 })))(loc);
    expect(await values(noGrad)).toEqual([0, 0]);
    tf.dispose([loc, scale]);
  });

  it.each(cases.map((c) => [c.d, c] as const))('logProb gradients in loc and scaleTril match the analytic float64 ones for d = %i', async (_d, c) => {
    const f = (loc: tf.Tensor, scale: tf.Tensor) => tf.sum(new MultivariateNormalTriL({ loc, scaleTril: scale }).logProb(c.xTril.slice(0, 3)));
    const [gLoc, gScale] = tf.grads(f)([tf.tensor(c.loc), tf.tensor(c.scaleTril)]) as [tf.Tensor, tf.Tensor];
    expectCloseToMax(await values(gLoc), c.gradLogProbTril.loc, gtol);
    expectCloseToMax(await values(gScale), c.gradLogProbTril.scaleTril.flat(), gtol);
  });

  it('marginal gives the sub-covariance and its Cholesky factor, in the order of the indices', async () => {
    for (const g of gaussian) {
      const p = tril(g);
      const m = p.marginal(g.marginal.indices);
      const k = g.marginal.indices.length;
      expect(m.eventShape).toEqual([k]);
      expect(await values(m.mean())).toEqual(g.marginal.loc);
      expectCloseToMax(await values(m.covariance()), g.marginal.covariance.flat(), rtol);
      expectCloseToMax(await values(tf.clone(m.scaleTril)), g.marginal.scaleTril.flat(), rtol);
      m.dispose();
      p.dispose();
    }
  });

  it('marginal of leading coordinates is the leading block of scaleTril, exactly; it batches', async () => {
    const g = gaussian[2]!; // d = 5
    const p = tril(g);
    const m = p.marginal([0, 1, 2]);
    expect(await values(tf.clone(m.scaleTril))).toEqual(g.scaleTril.slice(0, 3).flatMap((row) => row.slice(0, 3).map(Math.fround)));
    const batch = new MultivariateNormalTriL({ loc: [g.loc, g.loc], scaleTril: g.scaleTril });
    const mb = batch.marginal(g.marginal.indices);
    expect(mb.batchShape).toEqual([2]);
    const cov = await values(mb.covariance());
    const want = g.marginal.covariance.flat();
    expectCloseToMax(cov, [...want, ...want], rtol);
    [m, mb, p, batch].forEach((dist) => dist.dispose());
  });

  it('condition gives the Schur-complement mean, covariance and factor of numpy', async () => {
    for (const g of gaussian) {
      const p = tril(g);
      const c = p.condition(g.condition.indices, g.condition.values);
      const rest = g.d - g.condition.indices.length;
      expect(c.eventShape).toEqual([rest]);
      expect(c.batchShape).toEqual([]);
      expectCloseToMax(await values(c.mean()), g.condition.loc, rtol);
      expectCloseToMax(await values(c.covariance()), g.condition.covariance.flat(), rtol);
      expectCloseToMax(await values(tf.clone(c.scaleTril)), g.condition.scaleTril.flat(), rtol);
      expectClose(await values(c.logProb(g.condition.point)), [g.condition.logProb], { rtol });
      c.dispose();
      p.dispose();
    }
  });

  it('condition broadcasts a batch of observed values', async () => {
    const g = gaussian[1]!; // d = 5, 2 observed
    const p = tril(g);
    const other = g.condition.values.map((v) => v - 1);
    const c = p.condition(g.condition.indices, [g.condition.values, other]);
    expect(c.batchShape).toEqual([2]);
    const single = p.condition(g.condition.indices, other);
    const means = await values(c.mean());
    expectCloseToMax(means.slice(0, 3), g.condition.loc, rtol);
    expectCloseToMax(means.slice(3), await values(single.mean()), rtol);
    [c, single, p].forEach((dist) => dist.dispose());
  });

  it.each(gaussian.map((g) => [g.d, g.condition.indices.join(','), g] as const))(
    'the conditional logProb has the float64 gradient in loc and scaleTril (d = %i, observed %s)',
    async (_d, _i, g) => {
      const f = (loc: tf.Tensor, scale: tf.Tensor) => {
        const c = new MultivariateNormalTriL({ loc, scaleTril: scale }).condition(g.condition.indices, g.condition.values);
        return c.logProb(g.condition.point);
      };
      const [gLoc, gScale] = tf.grads(f)([tf.tensor(g.loc), tf.tensor(g.scaleTril)]) as [tf.Tensor, tf.Tensor];
      expectCloseToMax(await values(gLoc), g.condition.gradLoc, gtol);
      expectCloseToMax(await values(gScale), g.condition.gradScaleTril.flat(), gtol);
    },
  );

  describe.each(TRIL_PAIRS)('KL %s', (name) => {
    it.each(klCases.map((c) => [c.d, c] as const))('matches numpy float64 for d = %i, and klMonteCarlo within 5 standard errors', async (d, c) => {
      const pair = c.pairs[name];
      const [lp, sp, lq, sq] = klInputs(c, name).map((v) => tf.tensor(v as number[]));
      const [p, q] = klPair(name, lp!, sp!, lq!, sq!);
      expectClose(await values(kl(p, q)), [pair.kl], { rtol, atol: 2e-7 * d });
      const n = 20_000;
      const estimate = await values(klMonteCarlo(p, q, { numSamples: n, seed: 3 }));
      expectClose(estimate, [pair.kl], { atol: (5 * pair.logRatioSd) / Math.sqrt(n) });
      tf.dispose([lp!, sp!, lq!, sq!]);
    });

    it.each(klCases.map((c) => [c.d, c] as const))('has finite gradients in all four parameters matching float64 differences for d = %i', async (_d, c) => {
      const inputs = klInputs(c, name).map((v) => tf.tensor(v as number[]));
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor, f: tf.Tensor) => {
        const [p, q] = klPair(name, a, b, e, f);
        return kl(p, q);
      })(inputs);
      const want = c.pairs[name].grad;
      // 1e-5: at d = 1 the KLs are 7e-5 and 6e-4, and their gradients (about 1e-2) are differences
      // of O(1) terms (measured 2.3e-6 of the largest there, at most 2e-7 elsewhere)
      const tol = 1e-5;
      expectCloseToMax(await values(grads[0]!), want.locP, tol);
      expectCloseToMax(await values(grads[1]!), want.scaleP.flat(), tol);
      expectCloseToMax(await values(grads[2]!), want.locQ, tol);
      expectCloseToMax(await values(grads[3]!), want.scaleQ.flat(), tol);
      tf.dispose(inputs);
    });
  });

  it('KL is 0 from a distribution to itself and positive otherwise, with batch shapes broadcasting', async () => {
    const c = klCases[2]!; // d = 5
    const p = new MultivariateNormalTriL({ loc: [c.locP, c.locQ], scaleTril: [c.scaleTrilP, c.scaleTrilQ] });
    const q = new MultivariateNormalTriL({ loc: c.locQ, scaleTril: c.scaleTrilQ });
    const both = await values(kl(p, q));
    expect(both.length).toBe(2);
    expectClose(both, [c.pairs.TriLTriL.kl, 0], { rtol, atol: 1e-6 });
    expect(both[0]).toBeGreaterThan(0);
    // KL(p, p) = ½(‖Lp⁻¹Lp‖² − d): d rounding errors of 6e-8 each
    expectClose(await values(kl(p, p)), [0, 0], { atol: 1e-6 });
    const diag = new MultivariateNormalDiag({ loc: c.locP, scaleDiag: c.scaleDiagP });
    const asTril = new MultivariateNormalTriL({ loc: c.locP, scaleTril: c.scaleDiagP.map((v, i) => c.scaleDiagP.map((_, j) => (i === j ? v : 0))) });
    expectClose(await values(kl(diag, asTril)), [0], { atol: 1e-6 });
    expectClose(await values(kl(asTril, diag)), [0], { atol: 1e-6 });
    expect((await values(kl(diag, q)))[0]).toBeGreaterThan(0);
    [p, q, diag, asTril].forEach((dist) => dist.dispose());
  });

  it('leaks no tensors over logProb, sampling, moments, covariance, kl, marginal and condition', async () => {
    const c = cases[2]!;
    const p = tril(c);
    const q = new MultivariateNormalDiag({ loc: c.loc, scaleDiag: c.scaleDiag });
    await expectFlatTensorCount(() => {
      const m = p.marginal([3, 1]);
      const cond = p.condition([0, 4], [1, 2]);
      const out = [
        p.logProb(c.xTril), p.sample(2, { seed: 1 }), p.rsample(2, { seed: 1 }), p.entropy(), p.mean(), p.variance(), p.stddev(),
        p.covariance(), kl(p, p), kl(p, q), kl(q, p), m.logProb([0, 0]), cond.mean(),
        ...tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new MultivariateNormalTriL({ loc: l, scaleTril: s }).logProb(c.xTril)))([p.loc, p.scaleTril]),
      ];
      m.dispose();
      cond.dispose();
      return out;
    });
    p.dispose();
    q.dispose();
  });
});

describe('MultivariateNormalTriL input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('name the distribution, the argument, the rule and the value', () => {
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] })).toThrow(ValidationError);
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, 1]] })).toThrow(
      'MultivariateNormalTriL: scaleTril must be lower-triangular with a positive diagonal (got 0.5 at index [0,1])',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.3, -2]] })).toThrow(
      'MultivariateNormalTriL: scaleTril must be lower-triangular with a positive diagonal (got -2 at index [1,1])',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[0, 0], [0.3, 1]] })).toThrow(
      'MultivariateNormalTriL: scaleTril must be lower-triangular with a positive diagonal (got 0 at index [0,0])',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: tf.tensor([[[1, 0], [0, 1]], [[1, 0], [NaN, 1]]]) })).toThrow(
      'MultivariateNormalTriL: scaleTril must be lower-triangular with a positive diagonal (got NaN at index [1,1,0])',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, NaN], scaleTril: [[1, 0], [0, 1]] })).toThrow('MultivariateNormalTriL: loc must be finite (got NaN at index 1)');
  });

  it('check shapes', () => {
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0, 0], [0, 1, 0]] })).toThrow(ShapeError);
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0, 0], [0, 1, 0]] })).toThrow(
      'MultivariateNormalTriL: scaleTril must be a batch of square matrices [..., d, d] (got shape [2,3])',
    );
    expect(() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [1, 2] })).toThrow('MultivariateNormalTriL: scaleTril must be a batch of square matrices [..., d, d] (got shape [2])');
    expect(() => new MultivariateNormalTriL({ loc: 0, scaleTril: [[1]] })).toThrow('MultivariateNormalTriL: loc must have at least one dimension, the event [..., d] (got a scalar)');
    expect(() => new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0], [0, 1]] })).toThrow(
      'MultivariateNormalTriL: loc shape [3] does not fit scaleTril shape [2,2]: loc must be [...batch, 2] for scaleTril [...batch, 2, 2]',
    );
    const p = new MultivariateNormalTriL({ loc: [[0, 0]], scaleTril: [[[1, 0], [0, 1]], [[2, 0], [0, 2]], [[3, 0], [0, 3]]] });
    expect(p.batchShape).toEqual([3]);
    expect(() => p.logProb([1, 2, 3])).toThrow('MultivariateNormalTriL.logProb: value shape [3] does not end in eventShape [2]');
    expect(() => p.logProb([[1, 2], [3, 4]])).toThrow('MultivariateNormalTriL.logProb: value shape [2,2] does not broadcast with batchShape [3]');
    expect(p.hasRsample).toBe(true);
    expect(new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0.5], [0, -1]] }, { validateArgs: false }).validateArgs).toBe(false);
  });

  it('check marginal and condition indices and values', () => {
    const p = new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0, 0], [0.5, 1, 0], [0.2, 0.1, 1]] });
    expect(() => p.marginal([])).toThrow('MultivariateNormalTriL.marginal: indices must be a non-empty array of coordinates (got [])');
    expect(() => p.marginal([0, 3])).toThrow(ValidationError);
    expect(() => p.marginal([0, 3])).toThrow('MultivariateNormalTriL.marginal: indices must be integers in [0, 2] (got 3 in [0, 3])');
    expect(() => p.marginal([0.5])).toThrow('MultivariateNormalTriL.marginal: indices must be integers in [0, 2] (got 0.5 in [0.5])');
    expect(() => p.marginal([-1])).toThrow('MultivariateNormalTriL.marginal: indices must be integers in [0, 2] (got -1 in [-1])');
    expect(() => p.marginal([1, 1])).toThrow('MultivariateNormalTriL.marginal: indices must be distinct (got [1, 1])');
    expect(() => p.marginal(2 as never)).toThrow('MultivariateNormalTriL.marginal: indices must be a non-empty array of coordinates (got 2)');
    expect(() => p.condition([2, 0, 1], [1, 2, 3])).toThrow('MultivariateNormalTriL.condition: indices must leave at least one of the 3 coordinates unobserved (got [2, 0, 1])');
    expect(() => p.condition([2, 2], [1, 2])).toThrow('MultivariateNormalTriL.condition: indices must be distinct (got [2, 2])');
    expect(() => p.condition([0], [1, 2])).toThrow(ShapeError);
    expect(() => p.condition([0], [1, 2])).toThrow('MultivariateNormalTriL.condition: values must have shape [..., 1], one value per index (got [2])');
    expect(() => p.condition([0, 1], [[1, 2], [3, NaN]])).toThrow('MultivariateNormalTriL.condition: values must be finite (got NaN at index [1,1])');
    expect(() => p.condition([0], 'x' as never)).toThrow('MultivariateNormalTriL.condition: values must be a number, a rectangular nested array of numbers or a tf.Tensor (got "x")');
    const batch = new MultivariateNormalTriL({ loc: [[0, 0], [1, 1], [2, 2]], scaleTril: [[1, 0], [0.5, 1]] });
    expect(() => batch.condition([0], [[1], [2]])).toThrow('MultivariateNormalTriL.condition: values batch shape and batchShape [2] and [3] do not broadcast');
  });

  it('condition says so when float32 leaves no conditional variance', () => {
    // x₁ = x₀ + 1e-4 ε: Σ₁₁ = 1 + 1e-8 rounds to Σ₀₁ = 1 in float32, so Var(x₁ | x₀) is 0
    const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [1, 1e-4]] });
    expect(() => p.condition([0], [1])).toThrow(NonFiniteError);
    expect(() => p.condition([0], [1])).toThrow(
      /^MultivariateNormalTriL\.condition: the resulting covariance is not positive definite in float32 \(MultivariateNormalTriL: scaleTril must be lower-triangular with a positive diagonal \(got (0|NaN) at index \[0,0\]\)\): the coordinates are \(nearly\) linearly dependent$/,
    );
  });

  it('kl refuses different event sizes', () => {
    const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0, 1]] });
    const q = new MultivariateNormalTriL({ loc: [0, 0, 0], scaleTril: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    const r = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    expect(() => kl(p, q)).toThrow('kl: MultivariateNormalTriL ‖ MultivariateNormalTriL: event shapes [2] and [3] differ');
    expect(() => kl(p, r)).toThrow('kl: MultivariateNormalTriL ‖ MultivariateNormalDiag: event shapes [2] and [3] differ');
    expect(() => kl(r, p)).toThrow('kl: MultivariateNormalDiag ‖ MultivariateNormalTriL: event shapes [3] and [2] differ');
  });
});
