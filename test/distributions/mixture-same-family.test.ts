import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import {
  Categorical,
  Independent,
  klMonteCarlo,
  MixtureSameFamily,
  MultivariateNormalDiag,
  Normal,
  NotImplementedError,
  setBackend,
  ShapeError,
  ValidationError,
} from '../../src/index';
import fixtures from '../fixtures/uniform-mixture.json';

const f = fixtures.mixture;

/** Batch [2] of mixtures of three Normals. */
function normalMixture(): MixtureSameFamily {
  return new MixtureSameFamily({ mixture: new Categorical({ logits: f.logits }), components: new Normal({ loc: f.loc, scale: f.scale }) });
}

/** One mixture of three diagonal Gaussians in two dimensions. */
function diagonalMixture(): MixtureSameFamily {
  const components = new Independent(new Normal({ loc: f.mv.loc, scale: f.mv.scale }), 1);
  return new MixtureSameFamily({ mixture: new Categorical({ logits: f.mv.logits }), components });
}

function disposeAll(m: MixtureSameFamily): void {
  m.mixture.dispose();
  (m.components instanceof Independent ? m.components.base : m.components).dispose();
}

// References: log-sum-exps of scipy.stats densities in float64 (scripts/make-fixtures-uniform-mixture.py); KL by quadrature.
describeEachBackend('MixtureSameFamily', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('logProb of a batch of mixtures of three Normals matches scipy, 40 sd into the tails', async () => {
    const gmm = normalMixture();
    expect([gmm.batchShape, gmm.eventShape, gmm.numComponents]).toEqual([[2], [], 3]);
    const logProb = gmm.logProb(f.x.map((v) => [v]));
    expect(logProb.shape).toEqual([8, 2]);
    // float32 z² at z ≈ 60 is exact to ~1e-7 relative; log-sum-exp adds ~1e-7 absolute: rtol plus atol 1e-6.
    const got = await values(logProb);
    expectClose(got, f.logProb.flat(), { rtol, atol: 1e-6 });
    expect(got.every(Number.isFinite)).toBe(true);
    expect(gmm.logProb(0.5).shape).toEqual([2]);
    disposeAll(gmm);
  });

  it('logProb of a mixture of diagonal Gaussians (Independent Normal components) matches scipy', async () => {
    const gmm = diagonalMixture();
    expect([gmm.batchShape, gmm.eventShape]).toEqual([[], [2]]);
    const logProb = gmm.logProb(f.mv.x);
    expect(logProb.shape).toEqual([5]);
    expectClose(await values(logProb), f.mv.logProb, { rtol, atol: 1e-6 });
    expect(gmm.logProb([[f.mv.x]]).shape).toEqual([1, 1, 5]);
    expect(gmm.logProb([0, 1]).shape).toEqual([]);
    disposeAll(gmm);
  });

  it('logProb, mean and variance with MultivariateNormalDiag components match scipy too', async () => {
    const components = new MultivariateNormalDiag({ loc: f.mv.loc, scaleDiag: f.mv.scale });
    const mixture = new Categorical({ logits: f.mv.logits });
    const gmm = new MixtureSameFamily({ mixture, components });
    expect([gmm.batchShape, gmm.eventShape]).toEqual([[], [2]]);
    expectClose(await values(gmm.logProb(f.mv.x)), f.mv.logProb, { rtol, atol: 1e-6 });
    expectClose(await values(gmm.mean()), f.mv.mean, { rtol, atol: 2e-6 });
    expectClose(await values(gmm.variance()), f.mv.variance, { rtol });
    expect(gmm.sample([4, 3], { seed: 2 }).shape).toEqual([4, 3, 2]);
    components.dispose();
    mixture.dispose();
  });

  it('mean and variance follow the law of total variance (element-wise for vector events)', async () => {
    const gmm = normalMixture();
    // Weights from a float32 softmax (6e-8 relative each) times means up to 10 give ~1e-6 absolute on a
    // mean that can be near 0 (−0.055 here): atol 2e-6. The variance (~40) is a sum of positive terms: rtol.
    expectClose(await values(gmm.mean()), f.mean, { rtol, atol: 2e-6 });
    expectClose(await values(gmm.variance()), f.variance, { rtol });
    expectClose(await values(gmm.stddev()), f.variance.map(Math.sqrt), { rtol });
    const diag = diagonalMixture();
    expectClose(await values(diag.mean()), f.mv.mean, { rtol, atol: 2e-6 });
    expectClose(await values(diag.variance()), f.mv.variance, { rtol });
    disposeAll(gmm);
    disposeAll(diag);
  });

  it('samples with shape sampleShape ++ batchShape ++ eventShape, reproducibly, from the right components', async () => {
    const gmm = normalMixture();
    const n = 40_000;
    const draws = gmm.sample(n, { seed: 11 });
    expect(draws.shape).toEqual([n, 2]);
    expect(gmm.sample([2, 3], { seed: 1 }).shape).toEqual([2, 3, 2]);
    expect(await values(gmm.sample(5, { seed: 3 }))).toEqual(await values(gmm.sample(5, { seed: 3 })));
    expect(await values(gmm.sample(5, { seed: 3 }))).not.toEqual(await values(gmm.sample(5, { seed: 4 })));
    const first = await values(tf.slice(draws, [0, 0], [n, 1]));
    // Regions below -5, in (-5, 5) and above 5 hold each component of the first mixture; their
    // frequencies within 5 binomial standard errors of the exact probabilities.
    const counts = [first.filter((x) => x < -5).length, first.filter((x) => x >= -5 && x <= 5).length, first.filter((x) => x > 5).length];
    counts.forEach((c, i) => {
      const p = f.regions[i]!;
      expect(Math.abs(c / n - p), `region ${i}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
    // sample means within 5 standard errors (the mixture's sd over √n)
    const mean = await values(tf.mean(draws, 0));
    mean.forEach((m, i) => expect(Math.abs(m - f.mean[i]!), `mixture ${i}`).toBeLessThan((5 * Math.sqrt(f.variance[i]!)) / Math.sqrt(n)));
    draws.dispose();

    const diag = diagonalMixture();
    const vectors = diag.sample(n, { seed: 12 });
    expect(vectors.shape).toEqual([n, 2]);
    const vectorMean = await values(tf.mean(vectors, 0));
    vectorMean.forEach((m, i) => expect(Math.abs(m - f.mv.mean[i]!), `coordinate ${i}`).toBeLessThan((5 * Math.sqrt(f.mv.variance[i]!)) / Math.sqrt(n)));
    vectors.dispose();
    disposeAll(gmm);
    disposeAll(diag);
  });

  it('has no rsample and no closed-form entropy', () => {
    const gmm = normalMixture();
    expect(gmm.hasRsample).toBe(false);
    expect(() => gmm.rsample(2)).toThrow(NotImplementedError);
    expect(() => gmm.entropy()).toThrow(NotImplementedError);
    expect(() => gmm.entropy()).toThrow(
      'MixtureSameFamily.entropy: a mixture has no closed form for its entropy; estimate it by Monte Carlo: the mean of -logProb(x) over draws x = sample(n)',
    );
    disposeAll(gmm);
  });

  it('logProb is differentiable: d/dμ_k = r_k (x − μ_k)/σ_k², r the responsibilities; d/dlogits = r − π', async () => {
    const logits = tf.tensor(f.logits[1]!);
    const loc = tf.tensor(f.loc[1]!);
    const scale = f.scale[1]!;
    const x = 0.25;
    const [dLogits, dLoc] = tf.grads((l: tf.Tensor, m: tf.Tensor) =>
      new MixtureSameFamily({ mixture: new Categorical({ logits: l }), components: new Normal({ loc: m, scale }) }).logProb(x),
    )([logits, loc]);
    const lw = f.logits[1]!.map((v) => v - Math.log(f.logits[1]!.reduce((a, b) => a + Math.exp(b), 0)));
    const joint = lw.map((w, k) => w - 0.5 * ((x - f.loc[1]![k]!) / scale[k]!) ** 2 - Math.log(scale[k]!));
    const total = Math.log(joint.reduce((a, b) => a + Math.exp(b), 0));
    const r = joint.map((j) => Math.exp(j - total));
    expectClose(await values(dLoc as tf.Tensor), r.map((rk, k) => (rk * (x - f.loc[1]![k]!)) / scale[k]! ** 2), { rtol: 1e-5, atol: 1e-7 });
    expectClose(await values(dLogits as tf.Tensor), r.map((rk, k) => rk - Math.exp(lw[k]!)), { rtol: 1e-5, atol: 1e-7 });
    logits.dispose();
    loc.dispose();
  });

  it('gives an impossible component (logit -Infinity) no weight, with finite gradients', async () => {
    const loc = tf.tensor([0, 100, 2]);
    const logProb = (m: tf.Tensor) =>
      new MixtureSameFamily({ mixture: new Categorical({ logits: [0, -Infinity, 0] }), components: new Normal({ loc: m, scale: 1 }) }).logProb([0, 100]);
    const two = new MixtureSameFamily({ mixture: new Categorical({ logits: [0, 0] }), components: new Normal({ loc: [0, 2], scale: 1 }) });
    const got = await values(logProb(loc));
    expectClose(got.slice(0, 1), await values(two.logProb(0)), { rtol });
    expect(got[1]).toBeLessThan(-4000);
    const grad = await values(tf.grad((m: tf.Tensor) => tf.sum(logProb(m)))(loc));
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(Math.abs(grad[1]!)).toBe(0);
    loc.dispose();
    disposeAll(two);
  });

  it('klMonteCarlo(mixture ‖ Normal) agrees with quadrature (no closed form exists)', async () => {
    const gmm = new MixtureSameFamily({ mixture: new Categorical({ logits: f.logits[0]! }), components: new Normal({ loc: f.loc[0]!, scale: f.scale[0]! }) });
    const q = new Normal({ loc: f.klNormal.loc, scale: f.klNormal.scale });
    // 2e5 draws: within 5 standard errors (the log-ratio's sd by quadrature, 5.8, over √n: 0.065),
    // plus float32 rounding of the average, 1e-5 relative.
    const n = 200_000;
    const bound = (5 * f.klNormal.sd) / Math.sqrt(n) + 1e-5 * f.klNormal.kl;
    const [estimate] = await values(klMonteCarlo(gmm, q, { numSamples: n, seed: 5 }));
    expect(Math.abs(estimate! - f.klNormal.kl)).toBeLessThan(bound);
    disposeAll(gmm);
    q.dispose();
  });

  it('leaks no tensors over repeated logProb, sample, moments and klMonteCarlo', async () => {
    const gmm = normalMixture();
    const diag = diagonalMixture();
    const q = new Normal({ loc: 0, scale: 1 });
    await expectFlatTensorCount(() => [
      gmm.logProb([[0.5, 1]]),
      gmm.sample(3, { seed: 1 }),
      gmm.mean(),
      gmm.variance(),
      diag.logProb([0, 1]),
      diag.sample([2, 2], { seed: 2 }),
      diag.mean(),
      diag.variance(),
      klMonteCarlo(gmm, q, { numSamples: 10, seed: 3 }),
    ]);
    disposeAll(gmm);
    disposeAll(diag);
    q.dispose();
  });
});

describe('MixtureSameFamily input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('need one component per category and matching batch shapes, naming both shapes', () => {
    const mixture = new Categorical({ logits: [[0, 0, 0], [1, 2, 3]] });
    expect(() => new MixtureSameFamily({ mixture, components: new Normal({ loc: [[0, 1], [2, 3]], scale: 1 }) })).toThrow(ShapeError);
    expect(() => new MixtureSameFamily({ mixture, components: new Normal({ loc: [[0, 1], [2, 3]], scale: 1 }) })).toThrow(
      'MixtureSameFamily: the last axis of components.batchShape must have one component per category (got mixture.batchShape [2] with 3 categories, components.batchShape [2,2])',
    );
    expect(() => new MixtureSameFamily({ mixture, components: new Normal({ loc: [0, 1, 2], scale: 1 }) })).toThrow(
      'MixtureSameFamily: mixture.batchShape must broadcast to components.batchShape without its last axis (got mixture.batchShape [2] with 3 categories, components.batchShape [3])',
    );
    expect(() => new MixtureSameFamily({ mixture, components: new Normal({ loc: 0, scale: 1 }) })).toThrow(
      'one component per category (got mixture.batchShape [2] with 3 categories, components.batchShape [])',
    );
    expect(() => new MixtureSameFamily({ mixture: new Normal({ loc: 0, scale: 1 }) as never, components: new Normal({ loc: [0, 1], scale: 1 }) })).toThrow(
      ValidationError,
    );
    expect(() => new MixtureSameFamily({ mixture, components: {} as never })).toThrow('MixtureSameFamily: components must be a Distribution (got an object with keys [])');
    mixture.dispose();
  });

  it('check logProb shapes against batchShape and eventShape', () => {
    const gmm = diagonalMixture();
    expect(() => gmm.logProb([1, 2, 3])).toThrow('MixtureSameFamily.logProb: value shape [3] does not end in eventShape [2]');
    const batch = normalMixture();
    expect(() => batch.logProb([1, 2, 3])).toThrow('MixtureSameFamily.logProb: value shape [3] does not broadcast with batchShape [2]');
    disposeAll(gmm);
    disposeAll(batch);
  });

  it('do not dispose the mixture or the components', () => {
    const gmm = normalMixture();
    gmm.dispose();
    expect(gmm.mixture.logits.isDisposed).toBe(false);
    expect((gmm.components as Normal).loc.isDisposed).toBe(false);
    disposeAll(gmm);
  });
});
