import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectFlatTensorCount, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import {
  Independent,
  MLP,
  MultivariateNormalDiag,
  Normal,
  setBackend,
  ShapeError,
  ValidationError,
  VAE,
  type SavedVAE,
  type VAEOptions,
} from '../../src/index';

// A tiny VAE: 6 binary pixels, 2 latent dimensions, 8 hidden units. The heavy training checks are
// in vae-digits.test.ts (wasm only); these run on every backend.
const D = 6;
const L = 2;
const H = 8;

/** 24 rows of 6 binary pixels in a few repeated patterns. */
function binaryData(rows = 24): tf.Tensor2D {
  const patterns = [
    [1, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 1],
    [1, 0, 1, 0, 1, 0],
    [0, 1, 0, 1, 0, 1],
  ];
  return tf.tensor2d(Array.from({ length: rows }, (_, i) => patterns[i % 4] as number[]));
}

interface Tiny {
  vae: VAE;
  encoder: MLP;
  decoder: MLP;
  dispose(): void;
}

function tinyVAE(options: Partial<VAEOptions> & { netSeed?: number; hidden?: number } = {}): Tiny {
  const { netSeed = 1, hidden = H, ...rest } = options;
  const gaussian = rest.likelihood === 'gaussian';
  const encoder = new MLP({ sizes: [D, hidden, 2 * L], activation: 'tanh', seed: netSeed });
  const decoder = new MLP({ sizes: [L, hidden, gaussian ? 2 * D : D], activation: 'tanh', seed: netSeed + 1 });
  const vae = new VAE({ encoder, decoder, latentDim: L, seed: 7, ...rest });
  return {
    vae,
    encoder,
    decoder,
    dispose: () => {
      vae.dispose();
      encoder.dispose();
      decoder.dispose();
    },
  };
}

async function weightsOf(vae: VAE): Promise<number[][]> {
  return Promise.all(vae.variables.map(async (v) => Array.from(await v.data())));
}

const softplus = (x: number): number => Math.log1p(Math.exp(x));

describeEachBackend('VAE', (backend) => {
  it('encode gives q(z | x) from the encoder: loc the first half, softplus scales the second', async () => {
    const { vae, encoder, dispose } = tinyVAE();
    const x = binaryData(5);
    const q = vae.encode(x);
    expect(q).toBeInstanceOf(MultivariateNormalDiag);
    expect(q.batchShape).toEqual([5]);
    expect(q.eventShape).toEqual([L]);
    const out = await values(encoder.apply(x));
    const loc = await values(q.loc);
    const scale = await values(q.scaleDiag);
    // float32 softplus vs float64: relative 1e-6
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < L; j++) {
        expect(loc[i * L + j]).toBe(out[i * 2 * L + j]);
        expect(Math.abs((scale[i * L + j] as number) - softplus(out[i * 2 * L + L + j] as number))).toBeLessThan(1e-6);
      }
    }
    x.dispose();
    dispose();
  });

  it('decode gives p(x | z) over the last axis for z of any rank', async () => {
    const { vae, decoder, dispose } = tinyVAE();
    const z = tf.tensor3d([[[0.5, -1]], [[2, 0.25]], [[0, 0]]]); // [3, 1, 2]
    const x = binaryData(1);
    let shapes: Array<readonly number[]> = [];
    const logProb = tf.tidy(() => {
      const p = vae.decode(z);
      expect(p).toBeInstanceOf(Independent);
      shapes = [p.batchShape, p.eventShape];
      return p.logProb(x);
    });
    expect(shapes).toEqual([[3, 1], [D]]);
    expect(logProb.shape).toEqual([3, 1]);
    // float64 Bernoulli log-mass of the logits the decoder gives: Σ x·l − softplus(l)
    const logits = await values(decoder.apply(z));
    const pixels = await values(x);
    const expected = [0, 1, 2].map((s) => pixels.reduce((acc, xi, d) => acc + xi * (logits[s * D + d] as number) - softplus(logits[s * D + d] as number), 0));
    const got = await values(logProb);
    got.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-5));
    expect(() => vae.decode(tf.zeros([3, L + 1]))).toThrow(new ShapeError('VAE.decode', `z must be a tensor [..., ${L}], got [3,${L + 1}]`));
    tf.dispose([z, x]);
    dispose();
  });

  it('reconstruct is E[x | z] at the mean of q(z | x)', async () => {
    const { vae, encoder, decoder, dispose } = tinyVAE();
    const x = binaryData(4);
    const r = vae.reconstruct(x);
    expect(r.shape).toEqual([4, D]);
    const expected = tf.tidy(() => tf.sigmoid(decoder.apply(tf.slice(encoder.apply(x), [0, 0], [4, L]))));
    const got = await values(r);
    (await values(expected)).forEach((e, i) => expect(Math.abs((got[i] as number) - e)).toBeLessThan(1e-6));
    x.dispose();
    dispose();
  });

  it('sample draws [n, D] pixels, reproducibly with a seed; mean: true gives probabilities', async () => {
    const { vae, dispose } = tinyVAE();
    const a = vae.sample(50, { seed: 3 });
    expect(a.shape).toEqual([50, D]);
    const pixels = await values(a);
    expect(pixels.every((v) => v === 0 || v === 1)).toBe(true);
    expect(new Set(pixels).size).toBe(2);
    expect(await values(vae.sample(50, { seed: 3 }))).toEqual(pixels);
    expect(await values(vae.sample(50, { seed: 4 }))).not.toEqual(pixels);
    const probs = await values(vae.sample(8, { seed: 3, mean: true }));
    expect(probs.every((v) => v > 0 && v < 1)).toBe(true);
    // x ~ p(x | z), z ~ N(0, I): pixel frequencies over 4000 draws match the mean probabilities over
    // 4000 other prior draws; each side has standard error ≤ 0.5/√4000 = 0.008, their difference ≤ 0.011: 0.045 is 4 SE
    const n = 4000;
    const freq = await values(tf.tidy(() => tf.mean(vae.sample(n, { seed: 5 }), 0)));
    const meanProb = await values(tf.tidy(() => tf.mean(vae.sample(n, { seed: 6, mean: true }), 0)));
    freq.forEach((f, d) => expect(Math.abs(f - (meanProb[d] as number))).toBeLessThan(0.045));
    expect(() => vae.sample(0)).toThrow(new ValidationError('VAE.sample', 'n', 'be a positive integer', 0));
    expect(() => vae.sample(2.5)).toThrow('VAE.sample: n must be a positive integer (got 2.5)');
    dispose();
  });

  it('gaussian likelihood: a decoder of width 2D gives means and softplus scales', async () => {
    const { vae, encoder, decoder, dispose } = tinyVAE({ likelihood: 'gaussian' });
    const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => Array.from({ length: D }, (_, d) => Math.sin(i + 2 * d))));
    const r = vae.reconstruct(x);
    expect(r.shape).toEqual([10, D]);
    const out = await values(tf.tidy(() => decoder.apply(tf.slice(encoder.apply(x), [0, 0], [10, L]))));
    const got = await values(r);
    for (let i = 0; i < 10; i++) for (let d = 0; d < D; d++) expect(got[i * D + d]).toBe(out[i * 2 * D + d]);
    const p = tf.tidy(() => {
      const dist = vae.decode(tf.zeros([1, L])) as Independent;
      return tf.clone((dist.base as Normal).scale);
    });
    const zeroOut = await values(decoder.apply(tf.zeros([1, L])));
    // scale = softplus(raw) + 1e-3 (a floor that keeps log p(x | z) finite for constant features)
    (await values(p)).forEach((s, d) => expect(Math.abs(s - softplus(zeroOut[D + d] as number) - 1e-3)).toBeLessThan(1e-6));
    const s = vae.sample(7, { seed: 1 });
    expect(s.shape).toEqual([7, D]);
    expect((await values(s)).every(Number.isFinite)).toBe(true);
    const ll = await vae.logLikelihood(x, { k: 20, seed: 1 });
    expect(ll.shape).toEqual([10]);
    expect((await values(ll)).every(Number.isFinite)).toBe(true);
    const { losses } = await vae.fit(x, { steps: 3, batchSize: 5 });
    expect(losses.every(Number.isFinite)).toBe(true);
    x.dispose();
    dispose();
  });

  it('a gaussian decoder of odd width is a ShapeError (logLikelihood and reconstruct leak nothing)', async () => {
    const encoder = new MLP({ sizes: [D, H, 2 * L], seed: 1 });
    const decoder = new MLP({ sizes: [L, H, D - 1], seed: 2 });
    const vae = new VAE({ encoder, decoder, latentDim: L, likelihood: 'gaussian', seed: 1 });
    const x = binaryData(4);
    await expectNoLeak(async () => {
      const message = `VAE.logLikelihood: a Gaussian decoder must output [..., 2D] (means and scales), got a last axis of ${D - 1}`;
      await expect(vae.logLikelihood(x, { k: 3 })).rejects.toThrow(new ShapeError('VAE.logLikelihood', message.slice('VAE.logLikelihood: '.length)));
      expect(() => vae.reconstruct(x)).toThrow(ShapeError);
    });
    // (fit leaves tensors behind here: the gradient tape keeps the kernels' saved tensors when the
    // loss throws inside tf.variableGrads, which SVI calls; reported, not VAE's to fix.)
    await expect(vae.fit(x, { steps: 1 })).rejects.toThrow(/^VAE\.fit: a Gaussian decoder must output/);
    tf.dispose(x);
    vae.dispose();
    encoder.dispose();
    decoder.dispose();
  });

  it('save → JSON → load into a fresh VAE reproduces encode and decode exactly', async () => {
    const trained = tinyVAE({ netSeed: 1 });
    const x = binaryData(8);
    await trained.vae.fit(x, { steps: 3, batchSize: 8 }); // weights away from their initial values
    const json = JSON.stringify(await trained.vae.save());
    const fresh = tinyVAE({ netSeed: 50 });
    fresh.vae.load(JSON.parse(json) as SavedVAE);
    const outputs = async (vae: VAE): Promise<number[][]> => {
      const [loc, scale, logits] = tf.tidy(() => {
        const q = vae.encode(x);
        return [q.loc, q.scaleDiag, vae.reconstruct(x)];
      });
      return [await values(loc), await values(scale), await values(logits), await values(vae.sample(5, { seed: 2, mean: true }))];
    };
    expect(await outputs(fresh.vae)).toEqual(await outputs(trained.vae));
    expect(await weightsOf(fresh.vae)).toEqual(await weightsOf(trained.vae));
    x.dispose();
    trained.dispose();
    fresh.dispose();
  });

  it('load with other shapes throws and changes nothing', async () => {
    const source = tinyVAE({ netSeed: 1 });
    const saved = await source.vae.save();
    // the encoder fits, the decoder does not: the encoder is loaded first, then must be restored
    const decoderMismatch = tinyVAE({ netSeed: 20 });
    const wider = new MLP({ sizes: [L, H + 1, D], seed: 3 });
    const mismatch = new VAE({ encoder: decoderMismatch.encoder, decoder: wider, latentDim: L, seed: 1 });
    const before = await weightsOf(mismatch);
    await expectNoLeak(async () => {
      expect(() => mismatch.load(saved)).toThrow(ShapeError);
      expect(() => mismatch.load(saved)).toThrow(new RegExp(`^VAE\\.load: saved\\.decoder does not fit this VAE.s decoder \\(loadWeights: variable 0 has shape \\[${L},${H + 1}\\].*saved shape \\[${L},${H}\\]`));
      expect(await weightsOf(mismatch)).toEqual(before);
    });
    // another latentDim or likelihood is refused before any weight is read
    expect(() => mismatch.load({ ...saved, latentDim: 3 })).toThrow(
      new ValidationError('VAE.load', 'saved', `match this VAE (latentDim ${L}, likelihood 'bernoulli')`, undefined, `latentDim 3, likelihood 'bernoulli'`),
    );
    expect(() => mismatch.load({ ...saved, likelihood: 'gaussian' })).toThrow(/^VAE\.load: saved must match this VAE/);
    expect(() => mismatch.load({ format: 'other' } as unknown as SavedVAE)).toThrow(/^VAE\.load: saved must be what VAE\.save wrote/);
    expect(() => mismatch.load(null as unknown as SavedVAE)).toThrow(/^VAE\.load: saved must be what VAE\.save wrote/);
    expect(await weightsOf(mismatch)).toEqual(before);
    mismatch.dispose();
    wider.dispose();
    decoderMismatch.dispose();
    source.dispose();
  });

  it('bad options are ValidationErrors that name the option, and leak nothing', async () => {
    const encoder = new MLP({ sizes: [D, H, 2 * L], seed: 1 });
    const decoder = new MLP({ sizes: [L, H, D], seed: 2 });
    await expectNoLeak(async () => {
      const make = (options: unknown) => () => new VAE(options as VAEOptions);
      expect(make(null)).toThrow(new ValidationError('VAE', 'options', 'be an object', null));
      expect(make({ encoder: {}, decoder, latentDim: L })).toThrow(/^VAE: encoder must be a Network \(\{ apply\(x\), variables \}; see MLP and network\(\)\)/);
      expect(make({ encoder, decoder: (z: tf.Tensor) => z, latentDim: L })).toThrow(/^VAE: decoder must be a Network/);
      expect(make({ encoder, decoder, latentDim: 0 })).toThrow(new ValidationError('VAE', 'latentDim', 'be a positive integer', 0));
      expect(make({ encoder, decoder, latentDim: 1.5 })).toThrow('VAE: latentDim must be a positive integer (got 1.5)');
      expect(make({ encoder, decoder, latentDim: L, likelihood: 'poisson' })).toThrow(`VAE: likelihood must be one of 'bernoulli', 'continuous-bernoulli', 'gaussian' (got "poisson")`);
      expect(make({ encoder, decoder, latentDim: L, klWeight: 0 })).toThrow('VAE: klWeight must be a positive finite number (got 0)');
      expect(make({ encoder, decoder, latentDim: L, klWeight: 2, objective: { iwae: 5 } })).toThrow("VAE: klWeight must be 1 unless objective is 'elbo'");
      expect(make({ encoder, decoder, latentDim: L, objective: { iwae: 0 } })).toThrow(/objective must be 'elbo' or \{ iwae: k \} with k a positive integer/);
      expect(make({ encoder, decoder, latentDim: L, objective: 'iwae' })).toThrow(/objective must be 'elbo' or \{ iwae: k \}/);
      expect(make({ encoder, decoder, latentDim: L, numSamples: 0 })).toThrow(/numSamples must be a positive integer \(got 0\)/);
      expect(make({ encoder, decoder, latentDim: L, seed: 0.5 })).toThrow(new ValidationError('VAE', 'seed', 'be a safe integer', 0.5));
    });
    encoder.dispose();
    decoder.dispose();
  });

  it('bad data and a wrong encoder width are named', async () => {
    const { vae, dispose } = tinyVAE();
    const flat = tf.zeros([D]);
    expect(() => vae.encode(flat)).toThrow(/^VAE\.encode: x must be a matrix \[N, D\]/);
    expect(() => vae.reconstruct(flat)).toThrow(/^VAE\.reconstruct: x must be a matrix \[N, D\]/);
    await expect(vae.fit(flat)).rejects.toThrow(/^VAE\.fit: x must be a matrix \[N, D\]/);
    const wrongWidth = tf.zeros([3, D + 1]);
    expect(() => vae.encode(wrongWidth)).toThrow(ShapeError);
    const encoder = new MLP({ sizes: [D, H, 2 * L + 1], seed: 1 });
    const odd = new VAE({ encoder, decoder: new MLP({ sizes: [L, H, D], seed: 2 }), latentDim: L });
    const x = binaryData(3);
    expect(() => odd.encode(x)).toThrow(new ShapeError('VAE.encode', `the encoder must output [B, 2·latentDim] = [3, ${2 * L}], got [3,${2 * L + 1}]`));
    tf.dispose([flat, wrongWidth, x]);
    odd.dispose();
    (odd.decoder as MLP).dispose();
    encoder.dispose();
    dispose();
  });

  it('encode, decode, reconstruct and sample leave only what they return', async () => {
    const { vae, dispose } = tinyVAE({ likelihood: 'gaussian' });
    const x = tf.tidy(() => tf.tile(binaryData(3), [1, 1]));
    const z = tf.zeros([4, L]);
    await expectFlatTensorCount(() => {
      const q = vae.encode(x);
      return [q.loc, q.scaleDiag];
    }, { warmup: 1, iterations: 5 });
    await expectFlatTensorCount(() => tf.tidy(() => vae.decode(z).sample([], { seed: 1 })), { warmup: 1, iterations: 5 });
    await expectFlatTensorCount(() => vae.reconstruct(x), { warmup: 1, iterations: 5 });
    await expectFlatTensorCount(() => vae.sample(3, { seed: 1 }), { warmup: 1, iterations: 5 });
    tf.dispose([x, z]);
    dispose();
  });

  it('the tensor count stays flat over many fit steps (after the optimiser state of the first)', async () => {
    const { vae, dispose } = tinyVAE({ objective: { iwae: 3 }, gradient: 'dreg' });
    const x = binaryData(24);
    await vae.fit(x, { steps: 1, batchSize: 8 }); // Adam creates its moment variables on the first step
    await expectNoLeak(async () => {
      const { losses } = await vae.fit(x, { epochs: backend === 'webgpu' ? 5 : 15, batchSize: 8 }); // 3 steps an epoch
      expect(losses.every(Number.isFinite)).toBe(true);
    });
    x.dispose();
    dispose();
  });

  it('an AbortSignal stops fit before the next step', async () => {
    const { vae, dispose } = tinyVAE();
    const x = binaryData(24);
    const controller = new AbortController();
    let atAbort: number[][] = [];
    const fit = vae.fit(x, {
      epochs: 100,
      batchSize: 4,
      onStep: async ({ step }) => {
        if (step === 3) {
          atAbort = await weightsOf(vae);
          controller.abort(new Error('stop'));
        }
      },
      signal: controller.signal,
    });
    await expect(fit).rejects.toThrow('stop');
    expect(vae.svi.stepCount).toBe(3);
    expect(await weightsOf(vae)).toEqual(atAbort);
    await expect(vae.fit(x, { steps: 5, signal: AbortSignal.abort() })).rejects.toThrow();
    expect(vae.svi.stepCount).toBe(3);
    x.dispose();
    dispose();
  });

  it('the same seeds reproduce a training run; another seed does not', async () => {
    const run = async (seed: number) => {
      const { vae, dispose } = tinyVAE({ seed, objective: { iwae: 2 } });
      const x = binaryData(24);
      const { losses } = await vae.fit(x, { epochs: 2, batchSize: 8 });
      const ll = await values(await vae.logLikelihood(x, { k: 10, seed: 1 }));
      const weights = await weightsOf(vae);
      x.dispose();
      dispose();
      return { losses, ll, weights };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(c.losses).not.toEqual(a.losses);
    // bit for bit on cpu, as the issue asks; the other backends are deterministic here too (same
    // kernels, same order), so they are checked as well
    expect(b).toEqual(a);
  });
});

describe('VAE default options', () => {
  it('has the documented defaults', async () => {
    await setBackend('cpu');
    const { vae, dispose } = tinyVAE({ seed: undefined });
    expect(vae.likelihood).toBe('bernoulli');
    expect(vae.svi.objective).toBe('elbo');
    expect(vae.svi.gradient).toBe('pathwise');
    expect(vae.svi.numSamples).toBe(1);
    expect(vae.svi.latents).toBe('local');
    expect(vae.variables).toHaveLength(8);
    const x = binaryData(200);
    const steps: number[] = [];
    await vae.fit(x, { epochs: 1, onStep: ({ step }) => void steps.push(step) });
    expect(steps).toEqual([1, 2]); // batchSize 128 → 2 steps over 200 rows
    x.dispose();
    dispose();
  });
});
