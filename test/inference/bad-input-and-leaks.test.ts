import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  BernoulliMixture,
  expectationMaximization,
  GaussianMixture,
  LatentError,
  meanFieldGuide,
  MLP,
  MultivariateNormalDiag,
  Normal,
  ProbabilisticPCA,
  randomUniform,
  ShapeError,
  SVI,
  VAE,
  ValidationError,
} from '../../src/index';
import { describeEachBackend, expectClose } from '../helpers/backends';
import { BINARY_ROWS } from '../helpers/binary-rows';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

/** A small SVI: q(z) over one 2-D global latent, x_n | z ~ N(z, I). */
function smallSVI(options: { seed?: unknown; optimizer?: unknown } = {}) {
  const guide = meanFieldGuide({ shape: [2] });
  const svi = new SVI({
    guide: () => guide.distribution(),
    logJoint: (z, { data, scale }) =>
      tf.mul(scale, tf.sum(new MultivariateNormalDiag({ loc: tf.expandDims(z, 1), scaleDiag: [1, 1] }, { validateArgs: false }).logProb(data), 1)),
    variables: guide.variables,
    ...(options as object),
  });
  return { guide, svi };
}

function smallVAE(likelihood: 'bernoulli' | 'gaussian' = 'bernoulli') {
  const encoder = new MLP({ sizes: [4, 8, 4], seed: 1 });
  const decoder = new MLP({ sizes: [2, 8, likelihood === 'bernoulli' ? 4 : 8], seed: 2 });
  const vae = new VAE({ encoder, decoder, latentDim: 2, likelihood, seed: 3 });
  return { vae, encoder, decoder };
}

const binary = BINARY_ROWS;

describeEachBackend('engines: leaks, concurrency and bad input', (backend) => {
  it('SVI and VAE free everything on dispose (with their networks and guides), and refuse use afterwards', async () => {
    const x = tf.randomNormal([20, 2], 0, 1, 'float32', 1);
    await expectNoLeak(async () => {
      const { guide, svi } = smallSVI({ seed: 1 });
      await svi.fit(x, { steps: 3, batchSize: 10 });
      svi.dispose();
      guide.dispose();
      await expect(svi.fit(x)).rejects.toThrow('SVI.fit: this SVI has been disposed');
    });
    await expectNoLeak(async () => {
      const { vae, encoder, decoder } = smallVAE();
      await vae.fit(binary, { epochs: 2, batchSize: 3 });
      vae.dispose();
      encoder.dispose();
      decoder.dispose();
      expect(() => vae.sample(2)).toThrow('VAE.sample: this VAE has been disposed');
    });
    x.dispose();
  });

  it('SVI with an invalid seed or optimiser throws a ValidationError and leaks nothing', async () => {
    const guide = meanFieldGuide({ shape: [2] });
    const base = { guide: () => guide.distribution(), logJoint: (z: tf.Tensor) => tf.sum(z, 1), variables: guide.variables };
    let error = await expectThrowsWithoutLeak(() => new SVI({ ...base, seed: 1.5 }));
    expect(error.message).toBe('SVI: seed must be a safe integer (got 1.5)');
    for (const optimizer of ['adam', {}]) {
      error = await expectThrowsWithoutLeak(() => new SVI({ ...base, optimizer: optimizer as never }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^SVI: optimizer must be a tf\.train optimiser, e\.g\. tf\.train\.adam\(0\.01\) \(got /);
    }
    guide.dispose();
  });

  it('SVI says when the guide or logJoint returns the wrong thing', async () => {
    const guide = meanFieldGuide({ shape: [2] });
    const x = tf.zeros([4, 2]);
    const notADistribution = new SVI({ guide: () => ({ batchShape: [] }) as never, logJoint: (z) => tf.sum(z, 1), variables: guide.variables, seed: 1 });
    let error = await expectThrowsWithoutLeak(() => notADistribution.step(x));
    expect(error.message).toBe('SVI: guide must return a Distribution (e.g. guide.distribution(batch.indices)) (got an object with keys [batchShape])');
    const numberJoint = new SVI({ guide: () => guide.distribution(), logJoint: () => 3 as never, variables: guide.variables, seed: 1 });
    error = await expectThrowsWithoutLeak(() => numberJoint.step(x));
    expect(error.message).toBe('SVI: logJoint must return a tensor [S, ...q.batchShape] (log p(x, z) for each draw) (got 3)');
    for (const svi of [notADistribution, numberJoint]) svi.dispose();
    guide.dispose();
    x.dispose();
  });

  it('every engine refuses a second fit while one is running', async () => {
    const x = tf.randomNormal([60, 3], 0, 1, 'float32', 2);
    const { guide, svi } = smallSVI({ seed: 1 });
    const xs = tf.randomNormal([40, 2], 0, 1, 'float32', 3);
    const first = svi.fit(xs, { epochs: 2, batchSize: 10 });
    await expect(svi.fit(xs)).rejects.toThrow('SVI.fit: another fit is still running on this object; await it (or abort it through its signal) before starting a new one');
    await expect(svi.step(xs)).rejects.toThrow(/^SVI\.step: another fit is still running/);
    await first;
    svi.dispose();
    guide.dispose();

    const { vae, encoder, decoder } = smallVAE();
    const vaeFit = vae.fit(binary, { epochs: 3, batchSize: 2 });
    await expect(vae.fit(binary)).rejects.toThrow(/^VAE\.fit: another fit is still running/);
    await vaeFit;
    for (const d of [vae, encoder, decoder]) d.dispose();

    const engines: Array<[string, { fit: (X: never) => Promise<unknown>; dispose: () => void }, unknown]> = [
      ['GaussianMixture.fit', new GaussianMixture({ nComponents: 2, seed: 1 }), x],
      ['BernoulliMixture.fit', new BernoulliMixture({ nComponents: 2, seed: 1 }), binary],
      ['ProbabilisticPCA.fit', new ProbabilisticPCA({ latentDim: 1, method: 'em', seed: 1 }), x],
    ];
    for (const [where, engine, data] of engines) {
      const running = engine.fit(data as never);
      await expect(engine.fit(data as never)).rejects.toThrow(new RegExp(`^${where.replace('.', '\\.')}: another fit is still running`));
      await running;
      await engine.fit(data as never); // free again once the first has finished
      engine.dispose();
    }
    tf.dispose([x, xs]);
  });

  it('an onIteration, eStep or mStep that throws leaks nothing', async () => {
    const x = tf.randomNormal([50, 2], 0, 1, 'float32', 4);
    const boom = () => {
      throw new Error('boom');
    };
    const engines = [
      new GaussianMixture({ nComponents: 2, seed: 1, onIteration: boom }),
      new ProbabilisticPCA({ latentDim: 1, method: 'em', seed: 1, onIteration: boom }),
    ];
    for (const engine of engines) {
      const error = await expectThrowsWithoutLeak(() => engine.fit(x), { warmup: 1 });
      expect(error.message).toBe('boom');
    }
    const bmm = new BernoulliMixture({ nComponents: 2, seed: 1 });
    expect((await expectThrowsWithoutLeak(() => bmm.fit(binary, { onIteration: boom }), { warmup: 1 })).message).toBe('boom');

    const loop = (overrides: object) =>
      expectationMaximization({
        init: { mean: tf.scalar(0) },
        eStep: (s) => ({ logLikelihood: -1, posterior: tf.add(s.mean, 1) }),
        mStep: (_s, p) => ({ mean: tf.mul(p, 0.5) as tf.Scalar }),
        maxIter: 5,
        tol: 0,
        ...overrides,
      });
    for (const overrides of [{ eStep: boom }, { mStep: boom }, { onIteration: boom }]) {
      expect((await expectThrowsWithoutLeak(() => loop(overrides))).message).toBe('boom');
    }
    x.dispose();
  });

  it('post-fit methods check their input as fit does', async () => {
    const x = tf.randomNormal([40, 2], 0, 1, 'float32', 5);
    const gmm = await new GaussianMixture({ nComponents: 2, seed: 1 }).fit(x);
    const bmm = await new BernoulliMixture({ nComponents: 2, seed: 1 }).fit(binary);
    const withNaN = [[0, 0], [NaN, 1]];
    const tensorWithNaN = tf.tensor(withNaN);
    if (backend !== 'webgpu') {
      for (const call of [() => gmm.predict(withNaN), () => gmm.scoreSamples(tensorWithNaN), () => gmm.predictProba(withNaN)]) {
        const error = await expectThrowsWithoutLeak(call);
        expect(error.message).toMatch(/^GaussianMixture\.(predict|scoreSamples|predictProba): X must be finite \(no NaN or ±Infinity\) \(got NaN at \[1,0\]\)$/);
      }
      const error = await expectThrowsWithoutLeak(() => bmm.scoreSamples([[0, 1, 0.5, 1]]));
      expect(error.message).toBe('BernoulliMixture.scoreSamples: X must contain only 0 and 1 (got 0.5 at [0,2])');
    }
    // The async summaries check on every backend.
    await expect(gmm.score(withNaN)).rejects.toThrow(/^GaussianMixture\.score: X must be finite/);
    await expect(gmm.bic(tensorWithNaN)).rejects.toThrow(/^GaussianMixture\.bic: X must be finite/);
    await expect(bmm.score([[0, 1, 2, 1]])).rejects.toThrow('BernoulliMixture.score: X must contain only 0 and 1 (got 2 at [0,2])');
    tensorWithNaN.dispose();
    gmm.dispose();
    bmm.dispose();
    x.dispose();
  });

  it('ProbabilisticPCA refuses data float32 cannot hold the moments of', async () => {
    const big = tf.mul(tf.randomNormal([30, 3], 0, 1, 'float32', 6), 1e20);
    const error = await expectThrowsWithoutLeak(() => new ProbabilisticPCA({ latentDim: 1 }).fit(big));
    expect(error.message).toBe('ProbabilisticPCA.fit: X must have means and covariances that float32 can hold (below about 1e38): rescale or standardise the data');
    big.dispose();
  });

  it('a Bernoulli VAE names non-binary data and the fix', async () => {
    const { vae, encoder, decoder } = smallVAE();
    const grey = binary.map((row) => row.map((v) => v * 0.8));
    for (const call of [() => vae.fit(grey, { epochs: 1 }), () => vae.logLikelihood(grey, { k: 4 })]) {
      const error = await expectThrowsWithoutLeak(call);
      expect(error.message).toMatch(
        /^VAE\.(fit|logLikelihood): x must contain only 0 and 1 with likelihood 'bernoulli' \(binarise it, e\.g\. tf\.greater\(x, 0\.5\), or use likelihood 'continuous-bernoulli' for values in \[0, 1\]\) \(got 0\.8\d* at \[0,1\]\)$/,
      );
    }
    let error = await expectThrowsWithoutLeak(() => vae.fit(binary, { epochs: 0 }));
    expect(error.message).toBe('VAE.fit: epochs must be a positive integer (got 0)');
    for (const d of [vae, encoder, decoder]) d.dispose();
    // A gaussian VAE takes the same data as nested arrays.
    const gaussian = smallVAE('gaussian');
    await gaussian.vae.fit(grey, { epochs: 1, batchSize: 3 });
    error = await expectThrowsWithoutLeak(() => gaussian.vae.fit([[1, 2], [3]] as never));
    expect(error.message).toMatch(/^VAE\.fit: x must be a number, a rectangular \(not ragged\) nested array/);
    for (const d of [gaussian.vae, gaussian.encoder, gaussian.decoder]) d.dispose();
  });

  it('VAE.load names the missing or truncated network and changes nothing', async () => {
    const { vae, encoder, decoder } = smallVAE();
    const saved = await vae.save();
    const before = await encoder.layers[0]!.kernel.data();
    let error = await expectThrowsWithoutLeak(() => vae.load({ ...saved, decoder: undefined } as never));
    expect(error.message).toBe("VAE.load: saved.decoder must be the decoder's saved weights (got missing)");
    const truncated = { ...saved, decoder: { ...saved.decoder, weights: saved.decoder.weights.slice(0, 2) } };
    const other = await smallVAE().vae.save();
    error = await expectThrowsWithoutLeak(() => vae.load({ ...other, decoder: truncated.decoder }));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe("VAE.load: saved.decoder does not fit this VAE's decoder (loadWeights: saved weights hold 2 variables, the network has 4)");
    expect(Array.from(await encoder.layers[0]!.kernel.data())).toEqual(Array.from(before)); // the encoder got its values back
    expect(vae.load(saved)).toBe(vae);
    for (const d of [vae, encoder, decoder]) d.dispose();
  });
});

describeEachBackend('EM parity with scikit-learn', () => {
  it('regCovar > 0 may lower the likelihood a little: fit succeeds (scikit-learn test settings)', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const x = randomUniform([10, 2], { seed: 100 + seed });
      const gmm = new GaussianMixture({ nComponents: 2, covarianceType: 'full', regCovar: 0.1, init: 'random', nInit: 3, seed });
      await gmm.fit(x);
      expect(Number.isFinite(gmm.lowerBound)).toBe(true);
      gmm.dispose();
      x.dispose();
    }
  });

  it('a warm start measures convergence from the previous fit, so maxIter: 1 fits converge', async () => {
    const x = tf.concat([tf.randomNormal([100, 2], -2, 1, 'float32', 7), tf.randomNormal([100, 2], 2, 1, 'float32', 8)]);
    const gmm = new GaussianMixture({ nComponents: 2, maxIter: 1, warmStart: true, seed: 1 });
    let fits = 0;
    do {
      await gmm.fit(x);
      fits++;
    } while (!gmm.converged && fits < 100);
    expect(gmm.converged).toBe(true);
    expect(gmm.nIter).toBe(1);
    gmm.dispose();
    x.dispose();
  });

  it('maxIter: 0 keeps the initialisation (scikit-learn 1.2)', async () => {
    const x = tf.randomNormal([30, 2], 0, 1, 'float32', 9);
    const init = { weights: [0.5, 0.5], means: [[-1, 0], [1, 0]], covariances: [[[1, 0], [0, 1]], [[2, 0], [0, 2]]] };
    const gmm = await new GaussianMixture({ nComponents: 2, maxIter: 0, init }).fit(x);
    // Equal but for float32 rounding: the model stores means centred on the data's mean.
    expectClose(Array.from(await gmm.means.data()), [-1, 0, 1, 0], { atol: 1e-6 });
    expectClose(Array.from(await gmm.covariances.data()), [1, 0, 0, 1, 2, 0, 0, 2], { atol: 1e-6 });
    expect([gmm.nIter, gmm.converged, gmm.lowerBound]).toEqual([0, false, -Infinity]);
    expect(() => new GaussianMixture({ nComponents: 2, maxIter: -1 })).toThrow('GaussianMixture: maxIter must be a non-negative integer (got -1)');
    gmm.dispose();
    x.dispose();
  });
});

it('LatentError is the base of the errors engines throw on purpose', () => {
  expect(new ValidationError('f', 'x', 'be 1', 2)).toBeInstanceOf(LatentError);
  expect(Normal).toBeDefined();
});

describeEachBackend('SVI data as nested arrays', () => {
  it('fit takes a rectangular nested array of numbers as it takes a tensor, and frees its copy', async () => {
    const rows = [[0.5, -1], [1.5, 0.2], [-0.3, 0.8], [2, 1]];
    const run = async (data: unknown) => {
      const { guide, svi } = smallSVI({ seed: 7 });
      const { losses } = await svi.fit(data as never, { epochs: 3, batchSize: 2 });
      const loc = Array.from(await guide.loc.data());
      svi.dispose();
      guide.dispose();
      return { losses, loc };
    };
    const x = tf.tensor2d(rows);
    const fromTensor = await run(x);
    x.dispose();
    let fromArray: Awaited<ReturnType<typeof run>> | undefined;
    await expectNoLeak(async () => {
      fromArray = await run(rows);
    });
    expect(fromArray).toEqual(fromTensor);
    await expect(run([[1, 2], [3]])).rejects.toThrow(/^SVI\.fit: data must be a number, a rectangular \(not ragged\) nested array/);
  });
});
