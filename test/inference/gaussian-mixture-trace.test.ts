import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends';
import { GaussianMixture, type CovarianceType } from '../../src/index';

// EM never decreases the log-likelihood: over random data, K and covariance types, every fit's
// trace is non-decreasing (up to 1e-5 relative float32 error, the loop's own tolerance, which
// would otherwise have thrown an EMError). The data keep a spread of at least 0.1 per dimension
// and 2K distinct rows: on near-constant data (spread 1e-4 around covariances of regCovar = 1e-6)
// float32 rounding alone moves the log-likelihood by 1e-5 relative, and the fit stops with an
// error that says to increase regCovar.
const TYPES: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

describeEachBackend('GaussianMixture EM trace', () => {
  it('is non-decreasing for random data and K (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).chain((d) =>
          fc.record({
            rows: fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: d, maxLength: d }), { minLength: 12, maxLength: 40 }),
            k: fc.integer({ min: 1, max: 4 }),
            type: fc.constantFrom(...TYPES),
            seed: fc.integer({ min: 0, max: 1000 }),
          }),
        ),
        async ({ rows, k, type, seed }) => {
          const spread = (j: number) => Math.max(...rows.map((r) => r[j] as number)) - Math.min(...rows.map((r) => r[j] as number));
          fc.pre((rows[0] ?? []).every((_, j) => spread(j) >= 0.1) && new Set(rows.map((r) => r.join(','))).size >= 2 * k);
          const X = tf.tensor2d(rows);
          const model = new GaussianMixture({ nComponents: k, covarianceType: type, tol: 0, maxIter: 15, seed });
          try {
            await model.fit(X);
            const trace = model.logLikelihoods;
            trace.slice(1).forEach((ll, i) => {
              const previous = trace[i] as number;
              expect(ll, `${type}, K = ${k}, iteration ${i + 2}`).toBeGreaterThanOrEqual(previous - 1e-5 * Math.max(1, Math.abs(previous)));
            });
          } finally {
            model.dispose();
            X.dispose();
          }
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });
});
