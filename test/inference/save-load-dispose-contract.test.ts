import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import * as latent from '../../src/index';
import { BernoulliMixture, Dense, GaussianMixture, maf, MLP, ProbabilisticPCA, randomNormal, VAE, type Flow } from '../../src/index';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { BINARY_ROWS } from '../helpers/binary-rows';
import { expectNoLeak } from '../helpers/no-leak';

interface Model {
  save(): Promise<object>;
  load(saved: never): unknown;
  dispose(): void;
}

const binary = BINARY_ROWS;

/**
 * Every exported class with save(): how to make a fitted one and a fresh one,
 * and what must agree after the round trip. A class that gains save() must
 * be added here (the walk below fails until it is).
 */
const MODELS: Record<string, { fitted(): Promise<Model>; fresh(): Model; output(m: Model): tf.Tensor; freeExtra?: (m: Model) => void }> = {
  Dense: {
    fitted: async () => new Dense({ inputSize: 3, outputSize: 2, activation: 'tanh', seed: 1 }),
    fresh: () => new Dense({ inputSize: 3, outputSize: 2, activation: 'tanh', seed: 9 }),
    output: (m) => tf.tidy(() => (m as Dense).apply(tf.reshape(tf.linspace(-1, 1, 6), [2, 3]))),
  },
  MLP: {
    fitted: async () => new MLP({ sizes: [3, 5, 2], seed: 1 }),
    fresh: () => new MLP({ sizes: [3, 5, 2], seed: 9 }),
    output: (m) => tf.tidy(() => (m as MLP).apply(tf.reshape(tf.linspace(-1, 1, 6), [2, 3]))),
  },
  GaussianMixture: {
    fitted: async () => new GaussianMixture({ nComponents: 2, covarianceType: 'full', seed: 1 }).fit(randomNormal([40, 3], { seed: 1 })),
    fresh: () => new GaussianMixture({ nComponents: 2, covarianceType: 'full' }),
    output: (m) => (m as GaussianMixture).scoreSamples([[0, 1, 2], [-1, 0, 0.5]]),
  },
  BernoulliMixture: {
    fitted: async () => new BernoulliMixture({ nComponents: 2, seed: 1 }).fit(binary),
    fresh: () => new BernoulliMixture({ nComponents: 2 }),
    output: (m) => (m as BernoulliMixture).scoreSamples(binary),
  },
  ProbabilisticPCA: {
    fitted: async () => new ProbabilisticPCA({ latentDim: 1 }).fit(randomNormal([30, 3], { seed: 2 })),
    fresh: () => new ProbabilisticPCA({ latentDim: 1 }),
    output: (m) => (m as ProbabilisticPCA).scoreSamples([[0, 1, 2]]),
  },
  Flow: {
    fitted: async () => {
      const flow = maf({ dim: 3, layers: 2, hiddenSizes: [8], seed: 1 });
      await flow.fit(randomNormal([12, 3], { seed: 2 }), { steps: 3, batchSize: 4 });
      return flow;
    },
    fresh: () => maf({ dim: 3, layers: 2, hiddenSizes: [8], seed: 9 }),
    output: (m) => (m as Flow).logProb([[0, 1, 2], [-1, 0.5, 0]]),
  },
  VAE: {
    fitted: async () => {
      const vae = new VAE({ encoder: new MLP({ sizes: [4, 8, 4], seed: 1 }), decoder: new MLP({ sizes: [2, 8, 4], seed: 2 }), latentDim: 2, seed: 3 });
      await vae.fit(binary, { epochs: 2, batchSize: 3 });
      return vae;
    },
    fresh: () => new VAE({ encoder: new MLP({ sizes: [4, 8, 4], seed: 5 }), decoder: new MLP({ sizes: [2, 8, 4], seed: 6 }), latentDim: 2 }),
    output: (m) => (m as VAE).reconstruct(binary),
    freeExtra: (m) => {
      ((m as VAE).encoder as MLP).dispose();
      ((m as VAE).decoder as MLP).dispose();
    },
  },
};

it('every exported class with save() has load() and dispose(), and is covered here', () => {
  const savers = Object.entries(latent)
    .filter(([, value]) => typeof value === 'function' && typeof (value as { prototype?: { save?: unknown } }).prototype?.save === 'function')
    .map(([name]) => name);
  expect(savers.sort()).toEqual(Object.keys(MODELS).sort());
  for (const name of savers) {
    const proto = (latent as unknown as Record<string, { prototype: object }>)[name]!.prototype as Partial<Model>;
    expect(typeof proto.load, `${name}.load`).toBe('function');
    expect(typeof proto.dispose, `${name}.dispose`).toBe('function');
  }
});

describeEachBackend('save → JSON → load, and dispose', () => {
  for (const [name, spec] of Object.entries(MODELS)) {
    it(`${name}: the loaded model computes what the saved one did; a bad file changes nothing; nothing leaks`, async () => {
      const model = await spec.fitted();
      const saved = JSON.parse(JSON.stringify(await model.save())) as { format: string; version: number };
      expect(saved.version).toBe(1);
      const expected = await values(spec.output(model));
      const restored = spec.fresh();
      expect(restored.load(saved as never)).toBe(restored);
      expectClose(await values(spec.output(restored)), expected, { rtol: 1e-5, atol: 1e-5 });
      // A mismatched file is refused with a ValidationError naming the format, and the model keeps computing as before.
      await expectNoLeak(() => {
        // Networks save through saveWeights: its errors speak for them.
        const where = name === 'Dense' || name === 'MLP' ? 'loadWeights' : `${name}\\.load`;
        expect(() => restored.load({ ...saved, format: 'something-else' } as never)).toThrow(new RegExp(`^${where}: saved must be`));
        expect(() => restored.load({ ...saved, version: 2 } as never)).toThrow(new RegExp(`^${where}: saved\\.version must be 1`));
      });
      expectClose(await values(spec.output(restored)), expected, { rtol: 1e-5, atol: 1e-5 });
      for (const m of [model, restored]) {
        spec.freeExtra?.(m);
        m.dispose();
      }
    });
  }
});
