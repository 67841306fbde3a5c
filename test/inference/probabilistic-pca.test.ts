import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { ProbabilisticPCA, ShapeError, ValidationError } from '../../src/index';
import { symmetricEigen } from '../../src/inference/symmetric-eigen';
import fixtures from '../fixtures/ppca.json';

// References: numpy.linalg.eigh of the ML sample covariance (divided by N) and
// scipy.stats.multivariate_normal in float64 on the float32 data (scripts/make-fixtures-ppca.py).
//
// Tolerances: the sample covariance is a float32 sum of N products (relative error ~1e-6 of its
// largest entry); the eigen-decomposition runs in float64, and the eigen-gaps of the fixtures are
// large, so W Wᵀ and σ² carry about that error: 2e-5 relative to the largest entry of W Wᵀ and to
// σ² (σ² is ~1% of the largest eigenvalue, so its relative error is ~100x the covariance's).
// Log-densities: 2e-5 relative (Mahalanobis terms up to ~1e3/σ² amplify the float32 error of
// x − μ). EM runs 500 iterations with tol 0 (a float32 mean log-likelihood of size ~5 has an ulp of
// 5e-7, so a tol-based stop leaves W off by ~sqrt(ulp) ~ 1e-3): it then agrees with the closed form
// to 1e-4 of the largest entry of W Wᵀ, 1e-5 relative in σ² (measured: 3e-7) and 1e-6 in the mean
// log-likelihood (measured: 1e-7; float32's relative rounding is 6e-8).
const { cases } = fixtures;

type Case = (typeof cases)[number];

function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

async function wwT(ppca: ProbabilisticPCA): Promise<number[]> {
  return values(tf.tidy(() => tf.matMul(ppca.W, tf.transpose(ppca.W))));
}

async function fitted(c: Case, options: Partial<ConstructorParameters<typeof ProbabilisticPCA>[0]> = {}): Promise<ProbabilisticPCA> {
  const x = tf.tensor2d(c.x);
  const ppca = await new ProbabilisticPCA({ latentDim: c.q, ...options }).fit(x);
  x.dispose();
  return ppca;
}

it('symmetricEigen: A v = λ v, eigenvalues as numpy', () => {
  const a = [[4, 1, 2, 0.5], [1, 3, 0.2, 0.1], [2, 0.2, 5, 1], [0.5, 0.1, 1, 1]];
  const { values: lambda, vectors } = symmetricEigen(a);
  // numpy.linalg.eigvalsh, descending
  expectClose(lambda, [6.9258499, 3.34318514, 1.96823928, 0.76272568], { atol: 1e-7 });
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < 4; i++) {
      const av = a[i]!.reduce((s, v, j) => s + v * vectors[j]![k]!, 0);
      expect(Math.abs(av - lambda[k]! * vectors[i]![k]!)).toBeLessThan(1e-12);
    }
  }
});

describeEachBackend('ProbabilisticPCA', (backend) => {
  it.each(cases.map((c) => [c.d, c.q, c] as const))('closed form matches numpy for D = %i, q = %i (mean, W Wᵀ, σ², scoreSamples)', async (d, q, c) => {
    const ppca = await fitted(c);
    expect(ppca.W.shape).toEqual([d, q]);
    expectClose(await values(tf.clone(ppca.mean)), c.mean, { atol: 1e-6 * maxAbs(c.mean) + 1e-6 });
    const product = await wwT(ppca);
    expectClose(product, c.wwT.flat(), { atol: 2e-5 * maxAbs(c.wwT.flat()) });
    expectClose([ppca.noiseVariance], [c.noiseVariance], { rtol: 2e-5 });
    expectClose(await values(ppca.scoreSamples(c.queries)), c.scoreSamples, { rtol: 2e-5 });
    expectClose([await ppca.score(c.x)], [c.logLikelihood], { rtol: 2e-5 });
    // The same density through the distribution layer (Cholesky of W Wᵀ + σ² I).
    const p = ppca.toDistribution();
    expectClose(await values(p.logProb(c.queries)), c.scoreSamples, { rtol: 2e-5 });
    p.dispose();
    ppca.dispose();
  });

  // 500 EM iterations each: on webgpu (lavapipe, a GPU emulated on the CPU) only the largest case, the same kernels.
  const emCases = backend === 'webgpu' ? cases.filter((c) => c.d === Math.max(...cases.map((k) => k.d))) : cases;
  it.each(emCases.map((c) => [c.d, c.q, c] as const))('EM agrees with the closed form for D = %i, q = %i, never decreasing the likelihood', async (_d, _q, c) => {
    const closed = await fitted(c);
    const em = await fitted(c, { method: 'em', tol: 0, maxIter: 500, seed: 3 });
    const trace = em.logLikelihoods;
    expect(trace.length).toBeGreaterThan(2);
    for (let i = 1; i < trace.length; i++) {
      // float32 noise of a mean log-likelihood of size ~10: 2e-6 relative
      expect(trace[i]!).toBeGreaterThanOrEqual(trace[i - 1]! - 2e-6 * Math.abs(trace[i - 1]!));
    }
    expectClose(await wwT(em), await wwT(closed), { atol: 1e-4 * maxAbs(c.wwT.flat()) });
    expectClose([em.noiseVariance], [closed.noiseVariance], { rtol: 1e-5 });
    expectClose([trace[trace.length - 1]!], [c.logLikelihood], { rtol: 1e-6 });
    expectClose([await em.score(c.x)], [c.logLikelihood], { rtol: 2e-5 });
    closed.dispose();
    em.dispose();
  });

  it('transform and inverseTransform: shapes, and W E[z|x] + μ as numpy', async () => {
    const c = cases[0]!;
    const ppca = await fitted(c);
    const z = ppca.transform(c.queries);
    expect(z.shape).toEqual([c.queries.length, c.q]);
    const back = ppca.inverseTransform(z);
    expect(back.shape).toEqual([c.queries.length, c.d]);
    const reconstruction = c.reconstruction.flat();
    expectClose(await values(back), reconstruction, { atol: 2e-5 * maxAbs(reconstruction) });
    z.dispose();
    // E[z|x] for x = μ is 0; inverseTransform(0) = μ.
    expectClose(await values(ppca.transform([c.mean])), [0, 0], { atol: 1e-5 });
    expectClose(await values(ppca.inverseTransform([[0, 0]])), c.mean, { atol: 1e-6 * maxAbs(c.mean) });
    ppca.dispose();
  });

  it('samples with the fitted covariance, reproducibly by seed', async () => {
    const c = cases[0]!;
    const ppca = await fitted(c);
    const a = ppca.sample(4000, { seed: 9 });
    expect(a.shape).toEqual([4000, c.d]);
    expect(await values(ppca.sample(5, { seed: 9 }))).toEqual(await values(ppca.sample(5, { seed: 9 })));
    // The sample covariance's largest eigenvalue within 5 standard errors (√(2/n)·λ) of the model's.
    const refit = await new ProbabilisticPCA({ latentDim: c.q }).fit(a);
    const model = c.eigenvalues[0]!;
    const drawn = (await values(tf.tidy(() => tf.sum(tf.square(refit.W), 0))))[0]! + refit.noiseVariance;
    expect(Math.abs(drawn - model)).toBeLessThan(5 * Math.sqrt(2 / 4000) * model);
    a.dispose();
    refit.dispose();
    ppca.dispose();
  });

  it('rejects bad input with typed errors naming the rule, keeping the previous fit', async () => {
    const c = cases[2]!; // D = 3, q = 1
    expect(() => new ProbabilisticPCA({ latentDim: 0 })).toThrow(new ValidationError('ProbabilisticPCA', 'latentDim', 'be a positive integer', 0));
    expect(() => new ProbabilisticPCA({ latentDim: 1, tol: -1 })).toThrow('ProbabilisticPCA: tol must be non-negative (got -1)');
    const unfitted = new ProbabilisticPCA({ latentDim: 1 });
    expect(() => unfitted.transform(c.x)).toThrow('ProbabilisticPCA.transform: the model must be fitted first (call fit(X))');
    expect(() => unfitted.scoreSamples(c.x)).toThrow(ValidationError);
    await expect(new ProbabilisticPCA({ latentDim: 3 }).fit(c.x)).rejects.toThrow('ProbabilisticPCA.fit: latentDim must be less than the data dimension D = 3 (got 3)');
    await expect(unfitted.fit([1, 2, 3])).rejects.toThrow(new ShapeError('ProbabilisticPCA.fit', 'X must be a matrix [N, D] of N points with D ≥ 1 features (got shape [3])'));
    const ppca = await fitted(c);
    const before = ppca.noiseVariance;
    const bad = c.x.map((row) => [...row]);
    bad[7]![1] = NaN;
    await expect(ppca.fit(bad)).rejects.toThrow('ProbabilisticPCA.fit: X must be finite (no NaN or ±Infinity) (got NaN at [7,1])');
    expect(ppca.noiseVariance).toBe(before);
    expect(() => ppca.transform([[1, 2]])).toThrow('ProbabilisticPCA.transform: X must be a matrix [N, 3] (got shape [1,2])');
    expect(() => ppca.inverseTransform([[1, 2]])).toThrow('ProbabilisticPCA.inverseTransform: Z must be a matrix [N, 1] (got shape [1,2])');
    ppca.dispose();
    expect(() => ppca.sample(1)).toThrow('ProbabilisticPCA.sample: the model must be fitted first (call fit(X))');
  });

  it('keeps the tensor count flat over fits (both methods) and predictions', async () => {
    const c = cases[0]!;
    const x = tf.tensor2d(c.x);
    const step = async (method: 'closed-form' | 'em') => {
      const ppca = await new ProbabilisticPCA({ latentDim: c.q, method, maxIter: 20, tol: 0, seed: 1 }).fit(x);
      tf.dispose([ppca.transform(x), ppca.inverseTransform([[1, 2]]), ppca.scoreSamples(x), ppca.sample(3, { seed: 1 })]);
      await ppca.score(x);
      ppca.toDistribution().dispose();
      await ppca.fit(x); // refitting frees the previous fit
      ppca.dispose();
    };
    await step('closed-form');
    await step('em');
    await expectNoLeak(async () => {
      await step('closed-form');
      await step('em');
    });
    x.dispose();
  });
});
