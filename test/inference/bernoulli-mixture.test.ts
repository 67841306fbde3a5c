import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { BernoulliMixture, ShapeError, ValidationError } from '../../src/index';

/** mulberry32: deterministic uniforms for the synthetic data. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Three well-separated components over D = 20 pixels: component k is "on" (p = 0.9) on pixels
// 5k .. 5k + 9 and "off" (p = 0.1) elsewhere, so any two differ in 10 pixels (≈ 44 nats apart).
const D = 20;
const TRUE_WEIGHTS = [0.5, 0.3, 0.2];
const PATTERNS = [0, 1, 2].map((k) => Array.from({ length: D }, (_, d) => (d >= 5 * k && d < 5 * k + 10 ? 1 : 0)));
const TRUE_PROBS = PATTERNS.map((row) => row.map((on) => (on ? 0.9 : 0.1)));

function synthetic(n: number, seed: number): { X: number[][]; labels: number[] } {
  const u = uniforms(seed);
  const labels: number[] = [];
  const X = Array.from({ length: n }, () => {
    const r = u();
    const k = r < TRUE_WEIGHTS[0]! ? 0 : r < TRUE_WEIGHTS[0]! + TRUE_WEIGHTS[1]! ? 1 : 2;
    labels.push(k);
    return TRUE_PROBS[k]!.map((p) => (u() < p ? 1 : 0));
  });
  return { X, labels };
}

/** The permutation of the fitted components that best matches the true probs (K = 3: all 6 tried). */
function matchComponents(fitted: number[][], truth: number[][]): number[] {
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const cost = (perm: number[]) => perm.reduce((c, j, k) => c + fitted[j]!.reduce((s, p, d) => s + Math.abs(p - truth[k]![d]!), 0), 0);
  return perms.reduce((best, perm) => (cost(perm) < cost(best) ? perm : best));
}

const digits = (() => {
  const rows = gunzipSync(readFileSync(new URL('../../src/datasets/data/digits/digits.csv.gz', import.meta.url)))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  // 64 pixels (0..16) then the label; binarised at pixel >= 8 of 16.
  return rows.map((r) => r.slice(0, 64).map((v) => (v >= 8 ? 1 : 0)));
})();

const N = 2000;
const data = synthetic(N, 1);

describeEachBackend('BernoulliMixture', (backend) => {
  // float32 E-steps: log-probabilities summed over 20 pixels agree to ~1e-6 relative; webgpu's log/exp are looser.
  const rtol = backend === 'webgpu' ? 2e-5 : 5e-6;

  it('recovers the weights and pixel probabilities of a well-separated mixture, up to label permutation', async () => {
    const bmm = await new BernoulliMixture({ nComponents: 3, seed: 0, nInit: 3 }).fit(data.X);
    expect(bmm.converged).toBe(true);
    const probs = (await bmm.probs.array()) as number[][];
    const weights = Array.from(await bmm.weights.data());
    const perm = matchComponents(probs, TRUE_PROBS);
    // Against the generating parameters: within 5 standard errors of a proportion,
    // 5·sqrt(p(1 − p)/count): 0.009·5 for the weights (n = 2000), 0.015·5 for the probs of the smallest component (n ≈ 400).
    perm.forEach((j, k) => {
      expect(Math.abs(weights[j]! - TRUE_WEIGHTS[k]!)).toBeLessThan(5 * Math.sqrt((0.25 / N)));
      expectClose(probs[j]!, TRUE_PROBS[k]!, { atol: 5 * Math.sqrt(0.09 / (N * 0.2)) });
    });
    // Against the sample's own labels: the fitted probs are close to the per-label pixel means. Not equal:
    // a point with 4 or more of the 10 distinguishing pixels flipped (about 1% of points) is shared
    // between components or assigned to the wrong one, which moves a mean by up to about 0.01.
    perm.forEach((j, k) => {
      const members = data.X.filter((_, i) => data.labels[i] === k);
      const empirical = Array.from({ length: D }, (_, d) => members.reduce((s, row) => s + row[d]!, 0) / members.length);
      expectClose(probs[j]!, empirical, { atol: 0.01 });
      expect(Math.abs(weights[j]! - members.length / N)).toBeLessThan(0.01);
    });
    const predicted = Array.from(await bmm.predict(data.X).data());
    const agree = predicted.filter((p, i) => p === perm[data.labels[i]!]).length;
    expect(agree / N).toBeGreaterThan(0.99);
    bmm.dispose();
  });

  it('scoreSamples equals the log-density of toDistribution(), and score/bic/aic follow from it', async () => {
    const bmm = await new BernoulliMixture({ nComponents: 3, seed: 0 }).fit(data.X);
    const x = data.X.slice(0, 200);
    const mine = await values(bmm.scoreSamples(x));
    const dist = bmm.toDistribution();
    expect(dist.batchShape).toEqual([]);
    expect(dist.eventShape).toEqual([D]);
    expectClose(mine, await values(dist.logProb(tf.tensor(x))), { rtol, atol: 1e-5 });
    const mean = mine.reduce((a, b) => a + b, 0) / mine.length;
    expect(await bmm.score(x)).toBeCloseTo(mean, 4);
    const p = 3 * D + 2;
    expect(await bmm.bic(x)).toBeCloseTo(-2 * mean * 200 + p * Math.log(200), 2);
    expect(await bmm.aic(x)).toBeCloseTo(-2 * mean * 200 + 2 * p, 2);
    const proba = await bmm.predictProba(x).array() as number[][];
    proba.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    bmm.dispose();
  });

  it('reconstruct fills the missing pixels of clean patterns from the observed half', async () => {
    const bmm = await new BernoulliMixture({ nComponents: 3, seed: 0, nInit: 3 }).fit(data.X);
    const perm = matchComponents((await bmm.probs.array()) as number[][], TRUE_PROBS);
    // Observe the even pixels; the odd ones are missing (their given value, 0, is ignored).
    const mask = PATTERNS.map(() => Array.from({ length: D }, (_, d) => (d % 2 === 0 ? 1 : 0)));
    const masked = PATTERNS.map((row) => row.map((v, d) => (d % 2 === 0 ? v : 0)));
    const { posterior, mean } = bmm.reconstruct(masked, mask);
    const post = (await posterior.array()) as number[][];
    const filled = (await mean.array()) as number[][];
    tf.dispose([posterior, mean]);
    PATTERNS.forEach((pattern, k) => {
      expect(post[k]![perm[k]!]).toBeGreaterThan(0.999);
      // Missing pixels: the posterior-weighted pixel probability (≈ 0.9 or 0.1); observed ones as given.
      filled[k]!.forEach((v, d) => {
        if (d % 2 === 0) expect(v).toBe(pattern[d]);
        else expect(Math.abs(v - (pattern[d] ? 0.9 : 0.1))).toBeLessThan(0.1);
      });
      expect(filled[k]!.map(Math.round)).toEqual(pattern);
    });
    bmm.dispose();
  });

  it('never decreases the lower bound (fast-check over random binary data, K and alpha)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }).chain((d) =>
          fc.record({
            X: fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: d, maxLength: d }), { minLength: 6, maxLength: 40 }),
            k: fc.integer({ min: 1, max: 5 }),
            alpha: fc.constantFrom(0, 0.5),
            seed: fc.integer({ min: 0, max: 1000 }),
          }),
        ),
        async ({ X, k, alpha, seed }) => {
          const trace: number[] = [];
          const bmm = new BernoulliMixture({ nComponents: k, seed, alpha, maxIter: 15, tol: 0 });
          await bmm.fit(X, { onIteration: ({ logLikelihood }) => trace.push(logLikelihood) });
          // Float32 noise only: the E-step sums at most 40·8 terms of size ≤ 14.
          for (let i = 1; i < trace.length; i++) expect(trace[i]!).toBeGreaterThanOrEqual(trace[i - 1]! - 1e-5 * Math.max(1, Math.abs(trace[i - 1]!)));
          expect(bmm.lowerBound).toBe(trace[trace.length - 1]);
          expect(bmm.logLikelihoods).toEqual(trace);
          bmm.dispose();
        },
      ),
      { numRuns: 10, seed: 20240605 },
    );
  });

  it('samples reproducibly from the fitted mixture, with the right pixel frequencies', async () => {
    const bmm = await new BernoulliMixture({ nComponents: 3, seed: 0 }).fit(data.X);
    const { X, labels } = bmm.sample(4000, { seed: 5 });
    expect(X.shape).toEqual([4000, D]);
    expect(labels.shape).toEqual([4000]);
    expect(labels.dtype).toBe('int32');
    const again = bmm.sample(4000, { seed: 5 });
    expect(await values(again.X)).toEqual(await values(tf.clone(X)));
    again.labels.dispose();
    // Overall pixel frequency vs the mixture mean Σ_k π_k p_kd: within 5 standard errors sqrt(0.25/4000).
    const freq = await values(tf.mean(X, 0));
    const mixtureMean = await values(tf.matMul(tf.expandDims(bmm.weights, 0), bmm.probs));
    expectClose(freq, mixtureMean, { atol: 5 * Math.sqrt(0.25 / 4000) });
    tf.dispose([X, labels]);
    bmm.dispose();
  });

  it('rejects bad input with typed errors and keeps the previous fit when a fit fails', async () => {
    expect(() => new BernoulliMixture({ nComponents: 0 })).toThrow(new ValidationError('BernoulliMixture', 'nComponents', 'be a positive integer', 0));
    expect(() => new BernoulliMixture({ nComponents: 2, alpha: -1 })).toThrow('BernoulliMixture: alpha must be a finite non-negative number (got -1)');
    const bmm = new BernoulliMixture({ nComponents: 3, seed: 0 });
    expect(() => bmm.predict([[0, 1]])).toThrow('BernoulliMixture.predict: the model must be fitted first (call fit(X))');
    expect(() => bmm.weights).toThrow(new ValidationError('BernoulliMixture.weights', 'the model', 'be fitted first (call fit(X))'));
    await expect(bmm.fit([[0, 1], [1, 0]])).rejects.toThrow('BernoulliMixture.fit: X must have at least nComponents = 3 rows (got 2 rows)');
    await expect(bmm.fit([[0, 1], [1, 0.5], [1, 1]])).rejects.toThrow('BernoulliMixture.fit: X must contain only 0 and 1 (got 0.5 at [1,1])');
    await expect(bmm.fit(tf.tensor([[0, 1], [1, NaN], [1, 1]]))).rejects.toThrow('BernoulliMixture.fit: X must contain only 0 and 1 (got NaN at [1,1])');
    await expect(bmm.fit([0, 1, 1] as unknown as number[][])).rejects.toThrow(ShapeError);
    await expect(new BernoulliMixture({ nComponents: 2, init: { weights: [0.5, 0.5], probs: [[0.5, 0.5]] } }).fit([[0, 1], [1, 0]])).rejects.toThrow(
      'BernoulliMixture: init.probs must have shape [2, 2] (got [1,2])',
    );
    await expect(new BernoulliMixture({ nComponents: 2, init: { weights: [0.2, 0.5], probs: [[0.5, 0.5], [0.1, 0.9]] } }).fit([[0, 1], [1, 0]])).rejects.toThrow(
      'BernoulliMixture: init.weights must sum to 1 (got sum 0.7)',
    );
    await expectNoLeak(async () => {
      await bmm.fit(data.X.slice(0, 100));
      const weights = await values(tf.clone(bmm.weights));
      await expect(bmm.fit([[0, 2], [1, 0], [1, 1]])).rejects.toThrow(ValidationError);
      expect(await values(tf.clone(bmm.weights))).toEqual(weights);
      expect(() => bmm.predict([[0, 1]])).toThrow(`BernoulliMixture.predict: X must have shape [N, ${D}], the fitted number of columns (got [1,2])`);
      expect(() => bmm.scoreSamples(data.X.slice(0, 2).map((r) => r.map((v) => v * 3)))).toThrow('BernoulliMixture.scoreSamples: X must contain only 0 and 1 (got 3 at [');
      expect(() => bmm.reconstruct(data.X.slice(0, 2), data.X.slice(0, 3))).toThrow(ShapeError);
      bmm.dispose();
    });
  });

  it('fits from an explicit initialisation deterministically', async () => {
    const init = { weights: [0.4, 0.3, 0.3], probs: [TRUE_PROBS[2]!.map((p) => p * 0.8 + 0.1), TRUE_PROBS[0]!.map(() => 0.5), TRUE_PROBS[1]!] };
    const a = await new BernoulliMixture({ nComponents: 3, init }).fit(data.X.slice(0, 500));
    const b = await new BernoulliMixture({ nComponents: 3, init }).fit(data.X.slice(0, 500));
    expect(a.lowerBound).toBe(b.lowerBound);
    expect(await values(tf.clone(a.probs))).toEqual(await values(tf.clone(b.probs)));
    a.dispose();
    b.dispose();
  });

  it('leaves no tensors behind (fit, predict, predictProba, scoreSamples, reconstruct, sample, toDistribution)', async () => {
    const x = tf.tensor(data.X.slice(0, 200));
    const mask = tf.onesLike(x);
    const bmm = new BernoulliMixture({ nComponents: 3, seed: 0, nInit: 2, maxIter: 5 });
    await expectFlatTensorCount(
      async () => {
        await bmm.fit(x);
        const dist = bmm.toDistribution();
        const out = [bmm.predict(x), bmm.predictProba(x), bmm.scoreSamples(x), bmm.reconstruct(x, mask), bmm.sample(3, { seed: 1 }), dist.logProb(x)];
        await bmm.score(x);
        dist.dispose();
        return out;
      },
      { warmup: 2, iterations: 5 },
    );
    bmm.dispose();
    tf.dispose([x, mask]);
  });

  it('on binarised digits (500 images, 8×8), K = 10 beats K = 1 by more than 5 nats per image', async () => {
    const x = tf.tensor(digits.slice(0, 500));
    const one = await new BernoulliMixture({ nComponents: 1, seed: 0 }).fit(x);
    const ten = await new BernoulliMixture({ nComponents: 10, seed: 0, maxIter: 200 }).fit(x);
    const [s1, s10] = [await one.score(x), await ten.score(x)];
    console.log(`digits [${backend}]: mean log-likelihood K=1 ${s1.toFixed(3)}, K=10 ${s10.toFixed(3)}, K=10 iterations ${ten.nIter}`);
    expect(s10 - s1).toBeGreaterThan(5);
    expect(await ten.bic(x)).toBeLessThan(await one.bic(x));
    one.dispose();
    ten.dispose();
    x.dispose();
  });
});
