import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, collectVariables, Independent, MLP, RelaxedOneHotCategorical, setBackend, SVI, VAE } from '../../src/index';
import { digits } from '../../src/datasets/index';
import { binarizedDigits } from '../helpers/digits';

// Likelihoods, β and latents beyond the Gaussian-latent Bernoulli VAE, trained on the digits on wasm
// (the training backend; each fit takes about a second): encoder 64-128-(2×4), decoder 4-128-64,
// Adam 3e-3, 10 epochs of batches of 128. Figures in the comments were measured with these seeds.
let train: tf.Tensor2D;
let test: tf.Tensor2D;

beforeAll(async () => {
  await setBackend('wasm');
  ({ train, test } = binarizedDigits());
});

afterAll(() => tf.dispose([train, test]));

function smallVAE(options: Partial<ConstructorParameters<typeof VAE>[0]> = {}): { vae: VAE; dispose(): void } {
  const encoder = new MLP({ sizes: [64, 128, 8], seed: 1 });
  const decoder = new MLP({ sizes: [4, 128, 64], seed: 2 });
  const vae = new VAE({ encoder, decoder, latentDim: 4, seed: 3, optimizer: tf.train.adam(3e-3), ...options });
  return {
    vae,
    dispose: () => {
      vae.svi.optimizer.dispose(); // given, so not the VAE's to free
      vae.dispose();
      encoder.dispose();
      decoder.dispose();
    },
  };
}

async function mean(t: tf.Tensor): Promise<number> {
  const m = tf.mean(t);
  const value = (await m.data())[0] as number;
  tf.dispose([t, m]);
  return value;
}

describe('VAE variants on the digits [wasm]', () => {
  // Measured: test IWAE-200 −0.33 nats untrained, +95.3 after 10 epochs (a density on [0, 1]⁶⁴ can exceed 1).
  it("likelihood 'continuous-bernoulli' trains on the greyscale digits", async () => {
    const grey = digits({ split: 'train', binarize: false }).x;
    const greyTest = digits({ split: 'test', binarize: false }).x;
    const { vae, dispose } = smallVAE({ likelihood: 'continuous-bernoulli' });
    const before = await mean(await vae.logLikelihood(greyTest, { k: 200, seed: 7 }));
    await vae.fit(grey, { epochs: 10, batchSize: 128 });
    const after = await mean(await vae.logLikelihood(greyTest, { k: 200, seed: 7 }));
    expect(after).toBeGreaterThan(before + 50);
    const pixels = vae.reconstruct(greyTest);
    const [low, high] = [await mean(tf.min(pixels)), await mean(tf.max(pixels))];
    expect(low).toBeGreaterThanOrEqual(0); // CB means lie in [0, 1]
    expect(high).toBeLessThanOrEqual(1);
    await expect(vae.fit(tf.mul(grey, 16), { epochs: 1 })).rejects.toThrow("VAE.fit: x must lie in [0, 1] with likelihood 'continuous-bernoulli'");
    tf.dispose([grey, greyTest, pixels]);
    dispose();
  });

  // Measured on the test digits: β = 1 — KL 3.03, I(x; z) 2.59, 4 active units (activities 0.85–1.08);
  // β = 8 — KL 0.041, I(x; z) 0.026, activities 0.0046–0.0081, 0 active units.
  it('diagnostics: a β = 8 VAE has collapsed onto the prior, a β = 1 VAE has not', async () => {
    const report = async (klWeight: number) => {
      const { vae, dispose } = smallVAE({ klWeight });
      await vae.fit(train, { epochs: 10, batchSize: 128 });
      const d = await vae.diagnostics(test, { seed: 1 });
      dispose();
      return d;
    };
    const healthy = await report(1);
    expect(healthy.activeUnits).toBeGreaterThanOrEqual(3);
    expect(healthy.mutualInformation).toBeGreaterThan(1.5);
    expect(healthy.kl).toBeGreaterThan(2);
    const collapsed = await report(8);
    expect(collapsed.activeUnits).toBe(0);
    expect(collapsed.kl).toBeLessThan(0.2);
    expect(collapsed.mutualInformation).toBeLessThan(0.2);
    expect(collapsed.reconstruction).toBeLessThan(healthy.reconstruction - 3); // z no longer explains x
  });

  // A discrete-latent VAE through SVI. Measured epoch losses (nats per point): 16 Bernoulli units
  // with score-function gradients 38.3 → 24.2; a 10-way Gumbel-softmax latent (τ = 0.5, pathwise) 42.4 → 25.4.
  it('discrete latents: Bernoulli units (score function) and a Gumbel-softmax latent (pathwise) both lower the loss', async () => {
    const run = async (latent: 'bernoulli' | 'relaxed') => {
      const width = latent === 'bernoulli' ? 16 : 10;
      const encoder = new MLP({ sizes: [64, 128, width], seed: 1 });
      const decoder = new MLP({ sizes: [width, 128, 64], seed: 2 });
      const flat = tf.zeros([width]);
      const prior = latent === 'bernoulli' ? new Independent(new Bernoulli({ logits: flat }), 1) : new RelaxedOneHotCategorical({ temperature: 0.5, logits: flat });
      const guide = (x: tf.Tensor) =>
        latent === 'bernoulli'
          ? new Independent(new Bernoulli({ logits: encoder.apply(x) }, { validateArgs: false }), 1)
          : new RelaxedOneHotCategorical({ temperature: 0.5, logits: encoder.apply(x) }, { validateArgs: false });
      const svi = new SVI({
        guide: (batch) => guide(batch.data),
        logJoint: (z, batch) => tf.add(prior.logProb(z), new Independent(new Bernoulli({ logits: decoder.apply(z) }, { validateArgs: false }), 1).logProb(batch.data)),
        variables: collectVariables(encoder, decoder),
        latents: 'local',
        gradient: latent === 'bernoulli' ? 'score' : 'pathwise',
        numSamples: latent === 'bernoulli' ? 4 : 1,
        optimizer: tf.train.adam(3e-3),
        seed: 1,
      });
      const epochs: number[] = [];
      await svi.fit(train, { epochs: 10, batchSize: 128, onEpoch: ({ loss }) => void epochs.push(loss / 1437) });
      svi.optimizer.dispose();
      svi.dispose();
      for (const d of [encoder, decoder, prior]) d.dispose();
      flat.dispose();
      return epochs;
    };
    for (const latent of ['bernoulli', 'relaxed'] as const) {
      const epochs = await run(latent);
      expect(epochs[epochs.length - 1], latent).toBeLessThan((epochs[0] as number) - 8);
    }
  });
});
