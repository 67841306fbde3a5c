import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { GaussianMixture, LatentError, ShapeError, ValidationError, type CovarianceType } from '../../src/index';
import fixtures from '../fixtures/gmm.json';

// References: scikit-learn 1.2 GaussianMixture in float64 (scripts/make-fixtures-gmm.py), same
// float32 data and explicit initialisation. latent runs EM in float32; EM contracts towards the
// fixed point, so rounding does not build up, and after ~10 iterations parameters agree to 1e-4
// relative (plus 1e-5 absolute for entries near 0, e.g. off-diagonal covariances); the lower bound
// and log-densities to 1e-5 relative; n_iter within 1 (a change near tol could tip one iteration).
const PARAM_TOL = { rtol: 1e-4, atol: 1e-5 };
const TYPES = ['full', 'tied', 'diag', 'spherical'] as const;

type TypeFixture = (typeof fixtures.types)['full'];

function explicitModel(type: CovarianceType, extra: Record<string, unknown> = {}): GaussianMixture {
  const f = fixtures.types[type] as TypeFixture;
  return new GaussianMixture({
    nComponents: 3,
    covarianceType: type,
    tol: fixtures.tol,
    regCovar: fixtures.regCovar,
    init: { weights: f.init.weights, means: f.init.means, precisions: f.init.precisions },
    ...extra,
  });
}

/** Two well-separated 2-D blobs plus a third, for the initialisations' checks. */
function blobs(seed: number): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.randomNormal([90, 2], 0, 0.5, 'float32', seed);
    const centres = tf.concat([tf.tile(tf.tensor2d([[0, 0]]), [30, 1]), tf.tile(tf.tensor2d([[6, 0]]), [30, 1]), tf.tile(tf.tensor2d([[0, 6]]), [30, 1])], 0);
    return tf.add(z, centres);
  });
}

describeEachBackend('GaussianMixture', (backend) => {
  for (const type of TYPES) {
    it(`agrees with scikit-learn for covarianceType '${type}'`, async () => {
      const f = fixtures.types[type] as TypeFixture;
      const gmm = await explicitModel(type).fit(fixtures.x);
      expect(Math.abs(gmm.nIter - f.nIter)).toBeLessThanOrEqual(1);
      expect(gmm.converged).toBe(f.converged);
      expectClose([gmm.lowerBound], [f.lowerBound], { rtol: 1e-5 });
      expectClose(Array.from(await gmm.weights.data()), f.weights, PARAM_TOL);
      expectClose(Array.from(await gmm.means.data()), f.means.flat(), PARAM_TOL);
      expectClose(Array.from(await gmm.covariances.data()), [f.covariances].flat(3) as number[], PARAM_TOL);
      expectClose(Array.from(await gmm.precisionsCholesky.data()), [f.precisionsCholesky].flat(3) as number[], PARAM_TOL);
      expectClose(await values(gmm.scoreSamples(fixtures.points)), f.scoreSamples, { rtol: 1e-5, atol: 1e-5 });
      expect(await values(gmm.predict(fixtures.points))).toEqual(f.predict);
      expectClose([await gmm.score(fixtures.x)], [f.score], { rtol: 1e-5 });
      expectClose([await gmm.bic(fixtures.x)], [f.bic], { rtol: 1e-5 });
      expectClose([await gmm.aic(fixtures.x)], [f.aic], { rtol: 1e-5 });
      const proba = tf.sum(gmm.predictProba(fixtures.points), 1);
      expectClose(await values(proba), [1, 1, 1, 1, 1], { atol: 1e-5 });
      gmm.dispose();
    });
  }

  it('fitPredict labels agree with predict after the fit', async () => {
    const gmm = explicitModel('full');
    const labels = await values(await gmm.fitPredict(fixtures.x));
    expect(labels).toEqual(await values(gmm.predict(fixtures.x)));
    gmm.dispose();
  });

  for (const init of ['kmeans++', 'random'] as const) {
    it(`'${init}' initialisation: a non-decreasing trace and the three blobs found`, async () => {
      const x = blobs(3);
      const gmm = await new GaussianMixture({ nComponents: 3, init, seed: 5, nInit: 2, tol: 1e-6 }).fit(x);
      const trace = gmm.logLikelihoods;
      for (let i = 1; i < trace.length; i++) expect(trace[i] as number).toBeGreaterThanOrEqual((trace[i - 1] as number) - 1e-6 * Math.abs(trace[i - 1] as number));
      const labels = await values(gmm.predict(x));
      // Each blob of 30 points gets one label of its own.
      const blocks = [0, 30, 60].map((start) => new Set(labels.slice(start, start + 30)));
      expect(blocks.every((b) => b.size === 1)).toBe(true);
      expect(new Set(blocks.map((b) => [...b][0])).size).toBe(3);
      gmm.dispose();
      x.dispose();
    });
  }

  it('the EM trace is non-decreasing over random data and K', async () => {
    for (const [seed, k, type] of [
      [11, 2, 'full'],
      [12, 4, 'diag'],
      [13, 3, 'tied'],
      [14, 5, 'spherical'],
    ] as const) {
      const x = tf.randomNormal([120, 3], 0, 1, 'float32', seed);
      const gmm = await new GaussianMixture({ nComponents: k, covarianceType: type, init: 'random', seed, tol: 0, maxIter: 30 }).fit(x);
      const trace = gmm.logLikelihoods;
      expect(trace.length).toBe(30);
      for (let i = 1; i < trace.length; i++) expect(trace[i] as number).toBeGreaterThanOrEqual((trace[i - 1] as number) - 1e-5 * Math.abs(trace[i - 1] as number));
      gmm.dispose();
      x.dispose();
    }
  });

  it('a collapsing component is held up by regCovar', async () => {
    // 40 copies of one point: the component on it shrinks to variance ≈ regCovar, not 0.
    const spread = tf.randomNormal([60, 2], 0, 1, 'float32', 21);
    const x = tf.concat([spread, tf.tile(tf.tensor2d([[3, 3]]), [40, 1])], 0);
    const regCovar = 1e-6; // the default
    const gmm = await new GaussianMixture({ nComponents: 2, regCovar, init: { weights: [0.5, 0.5], means: [[0, 0], [3, 3]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] } }).fit(x);
    const cov = await gmm.covariances.data();
    // Component 1 sits on the duplicated point: its covariance is regCovar·I (to float32 rounding of the second moments).
    expectClose([cov[4], cov[7]] as number[], [regCovar, regCovar], { rtol: 0.05 });
    expect(Number.isFinite(gmm.lowerBound)).toBe(true);
    gmm.dispose();
    tf.dispose([spread, x]);
  });

  it('toDistribution has the same density, and sample draws from the mixture', async () => {
    const gmm = await explicitModel('diag').fit(fixtures.x);
    const dist = gmm.toDistribution();
    expectClose(await values(dist.logProb(fixtures.points)), await values(gmm.scoreSamples(fixtures.points)), { rtol: 1e-5, atol: 1e-5 });
    dist.dispose();
    const { X, labels } = gmm.sample(4000, { seed: 3 });
    expect(X.shape).toEqual([4000, 3]);
    expect(labels.dtype).toBe('int32');
    const again = gmm.sample(4000, { seed: 3 });
    expect(await values(again.X)).toEqual(await values(tf.clone(X)));
    again.labels.dispose();
    // Component frequencies within 5 standard errors of the weights.
    const counts = [0, 0, 0];
    for (const label of await labels.data()) counts[label] = (counts[label] as number) + 1;
    const w = Array.from(await gmm.weights.data());
    counts.forEach((c, i) => expect(Math.abs(c / 4000 - (w[i] as number))).toBeLessThan(5 * Math.sqrt(((w[i] as number) * (1 - (w[i] as number))) / 4000)));
    // The sample mean within 5 standard errors of the mixture mean.
    const mean = await values(tf.mean(X, 0));
    const expected = await values(tf.matMul(tf.reshape(gmm.weights, [1, 3]), gmm.means));
    const variance = await values(tf.moments(X, 0).variance);
    mean.forEach((m, j) => expect(Math.abs(m - (expected[j] as number))).toBeLessThan(5 * Math.sqrt((variance[j] as number) / 4000)));
    tf.dispose([X, labels]);
    gmm.dispose();
  });

  describe('bad input', () => {
    it('rejects K < 1 and bad options', () => {
      expect(() => new GaussianMixture({ nComponents: 0 })).toThrow(new ValidationError('GaussianMixture', 'nComponents', 'be a positive integer', 0));
      expect(() => new GaussianMixture({ nComponents: 2, covarianceType: 'banana' as CovarianceType })).toThrow('GaussianMixture: covarianceType must be one of full, tied, diag, spherical');
      expect(() => new GaussianMixture({ nComponents: 2, regCovar: -1 })).toThrow('GaussianMixture: regCovar must be non-negative (got -1)');
    });

    it('rejects fewer points than components, non-finite data, wrong shapes', async () => {
      const gmm = new GaussianMixture({ nComponents: 4 });
      await expect(gmm.fit([[0], [1], [2]])).rejects.toThrow('GaussianMixture.fit: X must have at least nComponents = 4 points (got 3 points)');
      await expect(gmm.fit([[0], [NaN], [2], [3]])).rejects.toThrow('GaussianMixture.fit: X must be finite (no NaN or ±Infinity)');
      await expect(gmm.fit([[0], [Infinity], [2], [3]])).rejects.toThrow(ValidationError);
      await expect(gmm.fit([0, 1, 2, 3, 4])).rejects.toThrow(ShapeError);
      expect(gmm.isFitted).toBe(false);
    });

    it('predict before fit is an error', () => {
      const gmm = new GaussianMixture({ nComponents: 2 });
      expect(() => gmm.predict([[0, 0]])).toThrow('GaussianMixture.predict: the model must be fitted first (call fit(X))');
      expect(() => gmm.weights).toThrow('GaussianMixture.weights: the model must be fitted first (call fit(X))');
      expect(() => gmm.sample(3)).toThrow(ValidationError);
    });

    it('rejects the wrong dimensionality at predict time', async () => {
      const gmm = await explicitModel('spherical').fit(fixtures.x);
      expect(() => gmm.predict([[0, 0]])).toThrow('GaussianMixture.predict: X must have 3 features, as the data the model was fitted to (got shape [1,2])');
      expect(() => gmm.scoreSamples([[0, 0, 0, 0]])).toThrow(ShapeError);
      gmm.dispose();
    });

    it('rejects non-positive-definite explicit covariances and precisions, and badly shaped ones', async () => {
      const notPD = [[[1, 2], [2, 1]], [[1, 0], [0, 1]]];
      const base = { weights: [0.5, 0.5], means: [[0, 0], [1, 1]] };
      const x = [[0, 0], [1, 1], [2, 0], [0, 2], [1, 0]];
      await expect(new GaussianMixture({ nComponents: 2, init: { ...base, covariances: notPD } }).fit(x)).rejects.toThrow(
        'GaussianMixture.fit: init.covariances must be positive definite (symmetric with positive eigenvalues)',
      );
      await expect(new GaussianMixture({ nComponents: 2, init: { ...base, precisions: notPD } }).fit(x)).rejects.toThrow('init.precisions must be positive definite');
      await expect(new GaussianMixture({ nComponents: 2, covarianceType: 'diag', init: { ...base, covariances: [[1, -1], [1, 1]] } }).fit(x)).rejects.toThrow('init.covariances must be positive definite');
      await expect(new GaussianMixture({ nComponents: 2, covarianceType: 'diag', init: { ...base, covariances: [1, 1] } }).fit(x)).rejects.toThrow(
        "GaussianMixture.fit: init.covariances must have shape [2,2] for 2 components of dimension 2 and covarianceType 'diag' (got [2])",
      );
      await expect(new GaussianMixture({ nComponents: 2, init: { weights: [0.7, 0.7], means: base.means } }).fit(x)).rejects.toThrow('GaussianMixture.fit: init.weights must be non-negative and sum to 1');
    });

    it('a failed or cancelled fit leaves the previous fitted state intact, and leaks nothing', async () => {
      const gmm = await explicitModel('full').fit(fixtures.x);
      const weights = Array.from(await gmm.weights.data());
      const nIter = gmm.nIter;
      await expectNoLeak(async () => {
        await expect(gmm.fit([[NaN, 0, 0], [0, 0, 0], [1, 1, 1], [2, 2, 2]])).rejects.toThrow(ValidationError);
        const controller = new AbortController();
        controller.abort(new Error('stop'));
        await expect(gmm.fit(fixtures.x, { signal: controller.signal })).rejects.toThrow('stop');
        // A covariance that EM cannot keep positive definite (regCovar 0, three coincident points).
        const degenerate = new GaussianMixture({ nComponents: 2, regCovar: 0, init: { weights: [0.5, 0.5], means: [[0, 0], [5, 5]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] } });
        await expect(degenerate.fit([[0, 0], [0, 0], [0, 0], [5, 5], [5, 6], [6, 5]])).rejects.toThrow(LatentError);
        expect(degenerate.isFitted).toBe(false);
      });
      expect(Array.from(await gmm.weights.data())).toEqual(weights);
      expect(gmm.nIter).toBe(nIter);
      gmm.dispose();
    });
  });

  it('memory is flat across repeated fit and predict', async () => {
    const gmm = explicitModel('full', { maxIter: 5 });
    const x = tf.tensor2d(fixtures.x);
    await expectFlatTensorCount(
      async () => {
        await gmm.fit(x);
        return [gmm.predict(x), gmm.predictProba(x), gmm.scoreSamples(x), gmm.sample(5, { seed: 1 })];
      },
      { warmup: 2, iterations: backend === 'webgpu' ? 3 : 5 },
    );
    gmm.dispose();
    x.dispose();
  });
});
