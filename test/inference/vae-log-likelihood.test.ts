import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { ValidationError } from '../../src/index';
import { exactPosterior } from '../estimators/linear-gaussian';
import { linearGaussianData, linearGaussianModel, linearGaussianVAE } from './linear-gaussian-vae';

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

// The wrong encoder of the k-tests: posterior means shifted by 0.8, scales × 0.7 (too narrow, so the
// weights are heavy-tailed and IWAE-k approaches log p(x) slowly: measured mean gaps over 200 rows
// 3.0, 1.6, 0.79 nats at k = 1, 10, 100, standard errors 0.13, 0.09, 0.06 (0.49 at k = 1000)).
const SHIFT = 0.8;
const SCALE = 0.7;

/** KL(q ‖ p(z | x)) for that encoder, float64: the same for every x (p(x) − ELBO). */
function wrongEncoderKL(): number {
  const { cov } = exactPosterior(linearGaussianModel([[0, 0, 0]]));
  return [cov[0]![0]!, cov[1]![1]!].reduce((s, v) => s - Math.log(SCALE) + (SCALE ** 2 * v + SHIFT ** 2) / (2 * v) - 0.5, 0);
}

describeEachBackend('VAE.logLikelihood', () => {
  // With the exact posterior every log-weight is log p(x) (|log p(x)| < 5 here): float32 terms of
  // size ≲ 10 round to ~1e-6 each, and logSumExp of k equal values adds log k to float32 rounding.
  // Measured max error 7e-7 on cpu, wasm and webgpu; 1e-5 allows for that; a wrong term (prior,
  // likelihood, q, chunk bookkeeping, row order) is off by ≳ 1e-2.
  it('is log p(x) for the exact posterior, for every k and chunking, in row order', async () => {
    const x = linearGaussianData(12);
    const model = linearGaussianVAE(x);
    const data = tf.tensor2d(x);
    // chunkRows 1: one row and one draw per chunk; 30: all rows, 2 draws per chunk; {}: k = 5000 in 4 chunks.
    for (const options of [{ k: 1 }, { k: 13 }, { k: 100, chunkRows: 64 }, { k: 3, chunkRows: 1 }, { k: 20, chunkRows: 30 }, {}]) {
      const estimate = await values(await model.vae.logLikelihood(data, { ...options, seed: 3 }));
      expectClose(estimate, model.logEvidence, { atol: 1e-5 });
    }
    data.dispose();
    model.dispose();
  });

  // The same exactness makes fit's first loss −mean log p(x) over its batch exactly (the loss is taken
  // before the step): SVI scales the batch by N/B and VAE divides by N, so a wrong scaling is off by 2x.
  it("fit's losses are −bound per data point", async () => {
    const x = linearGaussianData(16);
    const model = linearGaussianVAE(x);
    const data = tf.tensor2d(x);
    const { losses } = await model.vae.fit(data, { steps: 1, batchSize: 8, shuffle: false });
    expect(Math.abs((losses[0] as number) + mean(model.logEvidence.slice(0, 8)))).toBeLessThan(1e-5);
    data.dispose();
    model.dispose();
  });

  it('rises with k towards log p(x); k = 1 is the ELBO in expectation', async () => {
    const n = 200;
    const x = linearGaussianData(n);
    const model = linearGaussianVAE(x, { locShift: SHIFT, scaleFactor: SCALE });
    const data = tf.tensor2d(x);
    const kl = wrongEncoderKL();
    const gaps: number[] = [];
    let elboSE = 0;
    for (const k of [1, 10, 100]) {
      const estimate = await values(await model.vae.logLikelihood(data, { k, seed: 11 }));
      const gap = estimate.map((v, i) => (model.logEvidence[i] as number) - v);
      gaps.push(mean(gap));
      if (k === 1) elboSE = sd(gap) / Math.sqrt(n);
    }
    // E[log p(x) − IWAE₁] = KL(q ‖ p(z|x)) exactly; 4 standard errors of the 200-row mean.
    expect(Math.abs((gaps[0] as number) - kl)).toBeLessThan(4 * elboSE);
    // Burda et al. Thm 1: the gap shrinks as k grows (by ≥ 0.8 nats per decade here) and stays positive.
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan((gaps[i - 1] as number) - 0.3);
    expect(gaps[2]).toBeGreaterThan(0);
    data.dispose();
    model.dispose();
  });

  // Chunks take their own seeds from the seed stream, so another chunking gives other draws: the
  // estimates then agree within Monte-Carlo error, and the same chunking reproduces them exactly.
  it('chunking bounds the decoder rows and changes the estimate only within MC error', async () => {
    const n = 20;
    const x = linearGaussianData(n);
    const model = linearGaussianVAE(x, { locShift: SHIFT, scaleFactor: SCALE });
    const data = tf.tensor2d(x);
    const whole = await values(await model.vae.logLikelihood(data, { k: 32, seed: 5 }));
    expect(Math.max(...model.decoderRows)).toBe(n * 32);
    for (const chunkRows of [10, 50]) {
      model.decoderRows.length = 0;
      const chunked = await values(await model.vae.logLikelihood(data, { k: 32, seed: 5, chunkRows }));
      expect(Math.max(...model.decoderRows)).toBeLessThanOrEqual(chunkRows);
      const again = await values(await model.vae.logLikelihood(data, { k: 32, seed: 5, chunkRows }));
      expect(again).toEqual(chunked);
      const diff = chunked.map((v, i) => v - (whole[i] as number));
      expect(Math.abs(mean(diff))).toBeLessThan(4 * (sd(diff) / Math.sqrt(n)));
    }
    data.dispose();
    model.dispose();
  });

  it('leaves no tensors behind, over many chunks', async () => {
    const x = linearGaussianData(20);
    const model = linearGaussianVAE(x, { locShift: SHIFT, scaleFactor: SCALE });
    const data = tf.tensor2d(x);
    await expectFlatTensorCount(() => model.vae.logLikelihood(data, { k: 6, chunkRows: 7 }), { warmup: 1, iterations: 3 });
    data.dispose();
    model.dispose();
  });

  it('rejects a bad k or chunkRows; no rows give an empty estimate', async () => {
    const model = linearGaussianVAE(linearGaussianData(2));
    const data = tf.tensor2d(linearGaussianData(2));
    await expect(model.vae.logLikelihood(data, { k: 0 })).rejects.toThrow(new ValidationError('VAE.logLikelihood', 'k', 'be a positive integer', 0));
    await expect(model.vae.logLikelihood(data, { k: 2.5 })).rejects.toThrow('VAE.logLikelihood: k must be a positive integer (got 2.5)');
    await expect(model.vae.logLikelihood(data, { chunkRows: 0 })).rejects.toThrow('VAE.logLikelihood: chunkRows must be a positive integer (got 0)');
    const none = tf.zeros([0, 3]);
    const empty = await model.vae.logLikelihood(none);
    expect(empty.shape).toEqual([0]);
    tf.dispose([none, empty]);
    const flat = tf.tensor1d([1, 2, 3]);
    await expect(model.vae.logLikelihood(flat)).rejects.toThrow(/^VAE\.logLikelihood: x must be a matrix \[N, D\]/);
    tf.dispose([flat, data]);
    model.dispose();
  });
});
