import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectKLMatches } from '../helpers/kl';
import { describeEachBackend, expectClose, expectFlatTensorCount, TEST_BACKENDS, values } from '../helpers/backends';
import { Bernoulli, kl, NotImplementedError, setBackend, ShapeError, ValidationError } from '../../src/index';
import fixtures from '../fixtures/discrete.json';

const f = fixtures.bernoulli;
const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));

// References: scipy.special.log_expit/expit in float64 (scripts/make-fixtures-discrete.py),
// exact for the float32 inputs. Every quantity is computed from the logits with softplus and
// sigmoid, so it keeps float32's relative accuracy even where p saturates (logits ±60, where
// log P(X = 1) is −8.8e-27 and the entropy 5.3e-25): relative tolerances, no absolute slack.
describeEachBackend('Bernoulli', (backend) => {
  // WGSL's exp and log are specified to a few ulp only (exp: 3 + 2|x| ulp): 4e-6 on webgpu.
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('logProb matches scipy for logits from -60 to 60, also where p saturates', async () => {
    const bernoulli = new Bernoulli({ logits: f.logits });
    expect(bernoulli.batchShape).toEqual([f.logits.length]);
    expect(bernoulli.eventShape).toEqual([]);
    const ones = await values(bernoulli.logProb(1));
    expectClose(ones, f.logProb1, { rtol });
    expectClose(await values(bernoulli.logProb(0)), f.logProb0, { rtol });
    expect(ones[0]).toBeCloseTo(-60, 5); // logits −60: log P(X = 1) is −60 to float32 accuracy
    expect(ones.every(Number.isFinite)).toBe(true);
    expectClose(await values(bernoulli.prob(f.logits.map((_, i) => i % 2))), f.logits.map((l, i) => sigmoid(i % 2 ? l : -l)), { rtol });
    bernoulli.dispose();
  });

  it('has closed-form entropy, mean (= probs) and variance p(1 − p), accurate where p saturates', async () => {
    const bernoulli = new Bernoulli({ logits: f.logits });
    expectClose(await values(bernoulli.entropy()), f.entropy, { rtol });
    expectClose(await values(bernoulli.mean()), f.mean, { rtol });
    expectClose(await values(bernoulli.probs()), f.mean, { rtol });
    expectClose(await values(bernoulli.variance()), f.variance, { rtol });
    expectClose(await values(bernoulli.stddev()), f.variance.map(Math.sqrt), { rtol });
    bernoulli.dispose();
  });

  it('derives the logits from probs stably, near 0 and 1 too', async () => {
    const bernoulli = new Bernoulli({ probs: f.probs });
    expectClose(await values(tf.clone(bernoulli.logits)), f.logitsFromProbs, { rtol });
    expectClose(await values(bernoulli.logProb(1)), f.logProb1FromProbs, { rtol });
    expectClose(await values(bernoulli.logProb(0)), f.logProb0FromProbs, { rtol });
    // p(1 − p) from the logits: 1 − p of p = 1 − 2^-24 is 5.96e-8 exactly, not a rounding residue.
    expectClose(await values(bernoulli.variance()), f.probs.map((p) => p * (1 - p)), { rtol: 2 * rtol });
    bernoulli.dispose();
  });

  it('handles probs 0 and 1 (logits ∓Infinity): exact log-masses, zero entropy and variance, constant draws', async () => {
    for (const bernoulli of [new Bernoulli({ probs: [0, 1] }), new Bernoulli({ logits: [-Infinity, Infinity] })]) {
      expect(await values(tf.clone(bernoulli.logits))).toEqual([-Infinity, Infinity]);
      expect(await values(bernoulli.logProb(1))).toEqual([-Infinity, 0]);
      expect(await values(bernoulli.logProb(0))).toEqual([0, -Infinity]);
      expect(await values(bernoulli.entropy())).toEqual([0, 0]);
      expect(await values(bernoulli.mean())).toEqual([0, 1]);
      expect(await values(bernoulli.variance())).toEqual([0, 0]);
      expect(await values(tf.sum(bernoulli.sample(1000, { seed: 5 }), 0))).toEqual([0, 1000]);
      bernoulli.dispose();
    }
  });

  it('logProb has the gradient x − sigmoid(logits), and entropy −l p (1 − p), finite at logits ±60', async () => {
    const logits = tf.tensor(f.logits);
    for (const x of [0, 1]) {
      const grad = tf.grad((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }).logProb(x)))(logits);
      // x − sigmoid(l) = sigmoid(−l) for x = 1: relatively accurate down to 8.8e-27 at l = 60.
      expectClose(await values(grad), f.logits.map((l) => (x === 1 ? sigmoid(-l) : -sigmoid(l))), { rtol });
    }
    const dH = tf.grad((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }).entropy()))(logits);
    // a difference of two terms of size p(1 − p)(1 + |l|): 1e-7 of p(1 − p) absolute.
    expectClose(await values(dH), f.logits.map((l) => -l * sigmoid(l) * sigmoid(-l)), { rtol: 2 * rtol, atol: 1e-8 });
    logits.dispose();
  });

  it('samples 0/1 float32 draws with shape sampleShape ++ batchShape, reproducibly, with the right frequencies', async () => {
    const probs = [0.02, 0.1, 0.5, 0.9, 0.999];
    // batchShape [1, 5]: the draws have rank 3, and reducing them over axis 0 transposes them
    // (on webgpu that fails for a float32 tensor cast from bool, which keeps the bool buffer).
    const bernoulli = new Bernoulli({ probs: [probs] });
    const n = 20_000;
    const draws = bernoulli.sample(n, { seed: 11 });
    expect(draws.shape).toEqual([n, 1, 5]);
    expect(draws.dtype).toBe('float32');
    expect(bernoulli.sample([2, 3], { seed: 1 }).shape).toEqual([2, 3, 1, 5]);
    expect(await values(bernoulli.sample(50, { seed: 3 }))).toEqual(await values(bernoulli.sample(50, { seed: 3 })));
    expect(await values(bernoulli.sample(50, { seed: 3 }))).not.toEqual(await values(bernoulli.sample(50, { seed: 4 })));
    const flat = await values(tf.clone(draws));
    expect(flat.every((v) => v === 0 || v === 1)).toBe(true);
    // frequencies within 5 standard errors √(p(1 − p)/n)
    const freq = await values(tf.mean(draws, 0));
    probs.forEach((p, i) => expect(Math.abs((freq[i] as number) - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n)));
    draws.dispose();
    bernoulli.dispose();
  });

  it('KL matches scipy, is 0 at p = q and non-negative, and agrees with klMonteCarlo', async () => {
    const p = new Bernoulli({ logits: f.klLogitsP });
    const q = new Bernoulli({ logits: f.klLogitsQ });
    // KL(1e-3 ‖ 0) = 1.25e-7 is a difference of softplus values near log 2: absolute error ~ 4 ulp(0.7) = 2.4e-7.
    await expectKLMatches(p, q, { kl: f.kl, logRatioSd: f.klLogRatioSd }, { rtol: 2 * rtol, atol: 3e-7 });
    p.dispose();
    q.dispose();
  });

  it('KL is exact and +Infinity at probs 0 and 1, and broadcasts batch shapes', async () => {
    const p = new Bernoulli({ probs: [1, 0, 1, 0.5] });
    const q = new Bernoulli({ probs: [0.5, 0.5, 0, 1] });
    expectClose(await values(kl(p, q)), [Math.LN2, Math.LN2, Infinity, Infinity], { rtol });
    const wide = new Bernoulli({ logits: [[0], [1]] });
    const narrow = new Bernoulli({ logits: [0, 1, 2] });
    expect(kl(wide, narrow).shape).toEqual([2, 3]);
    for (const d of [p, q, wide, narrow]) d.dispose();
  });

  it('KL keeps finite gradients in both logits when the probabilities saturate (torch #15288)', async () => {
    const lp = [60, -60, 60, -60, 0, 60, -60];
    const lq = [-60, 60, 60, -60, 60, 0, 0];
    const [gp, gq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(kl(new Bernoulli({ logits: a }), new Bernoulli({ logits: b }))))([
      tf.tensor(lp),
      tf.tensor(lq),
    ]);
    const dp = await values(gp as tf.Tensor);
    const dq = await values(gq as tf.Tensor);
    expect([...dp, ...dq].every(Number.isFinite)).toBe(true);
    // KL = softplus(lq) − softplus(lp) + p (lp − lq): d/dlp = p (1 − p)(lp − lq), d/dlq = q − p.
    expectClose(dp, lp.map((a, i) => sigmoid(a) * sigmoid(-a) * (a - (lq[i] as number))), { rtol: 2 * rtol, atol: 1e-7 });
    expectClose(dq, lq.map((b, i) => sigmoid(b) - sigmoid(lp[i] as number)), { rtol, atol: 1e-7 });
  });

  it('leaks no tensors over repeated logProb, sample, entropy, mean, variance, probs and kl', async () => {
    const p = new Bernoulli({ logits: [-2, 0, 60] });
    const q = new Bernoulli({ probs: [0.3, 0.5, 1] });
    await expectFlatTensorCount(() => [
      p.logProb([[1, 0, 1]]), p.sample(3, { seed: 1 }), p.entropy(), p.mean(), p.variance(), p.probs(), kl(p, q), kl(q, p),
    ]);
    p.dispose();
    q.dispose();
  });
});

describe('Bernoulli sampling across backends', () => {
  it('gives the same draws for the same seed on every backend (seeded uniforms, generated in JavaScript)', async () => {
    const draws: number[][] = [];
    for (const backend of TEST_BACKENDS) {
      await setBackend(backend);
      const d = new Bernoulli({ logits: [[-3, 0, 0.5], [2, 60, -60]] });
      draws.push(await values(d.sample(2000, { seed: 9 })));
      d.dispose();
    }
    for (const other of draws.slice(1)) expect(other).toEqual(draws[0]);
  });
});

describe('Bernoulli input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('say that exactly one of logits and probs must be given', () => {
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 } as never)).toThrow(ValidationError);
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 } as never)).toThrow('Bernoulli: exactly one of logits and probs must be given (got both)');
    expect(() => new Bernoulli({} as never)).toThrow('Bernoulli: exactly one of logits and probs must be given (got neither)');
    expect(() => new (Bernoulli as unknown as new () => Bernoulli)()).toThrow('Bernoulli: exactly one of logits and probs must be given (got neither)');
  });

  it('name the argument, the rule and the value', () => {
    expect(() => new Bernoulli({ probs: [0.5, 1.5] })).toThrow('Bernoulli: probs must be in [0, 1] (got 1.5 at index 1)');
    expect(() => new Bernoulli({ probs: tf.tensor([[0.5], [-0.25]]) })).toThrow('Bernoulli: probs must be in [0, 1] (got -0.25 at index [1,0])');
    expect(() => new Bernoulli({ logits: [0, NaN] })).toThrow('Bernoulli: logits must not be NaN (got NaN at index 1)');
    expect(() => new Bernoulli({ logits: 'a' as never })).toThrow('Bernoulli: logits must be a number, a rectangular nested array of numbers or a tf.Tensor (got "a")');
  });

  it('check logProb values and shapes, and broadcast them', () => {
    const bernoulli = new Bernoulli({ logits: [0, 1, 2] });
    expect(() => bernoulli.logProb(0.5)).toThrow('Bernoulli.logProb: value must be 0 or 1 (got 0.5)');
    expect(() => bernoulli.logProb(tf.tensor([0, 1, 2]))).toThrow('Bernoulli.logProb: value must be 0 or 1 (got 2 at index 2)');
    expect(() => bernoulli.logProb([1, 0])).toThrow(ShapeError);
    expect(() => bernoulli.logProb([1, 0])).toThrow('Bernoulli.logProb: value shape [2] does not broadcast with batchShape [3]');
    expect(bernoulli.logProb([[1], [0]]).shape).toEqual([2, 3]);
    expect(bernoulli.logProb(tf.tensor([1, 0, 1], undefined, 'int32')).shape).toEqual([3]);
    bernoulli.dispose();
  });

  it('give -Infinity outside {0, 1} when validation is off', async () => {
    const bernoulli = new Bernoulli({ logits: 0 }, { validateArgs: false });
    expect(await values(bernoulli.logProb([0.5, 2, -1, 1]))).toEqual([-Infinity, -Infinity, -Infinity, Math.fround(-Math.LN2)]);
    bernoulli.dispose();
  });

  it('have no rsample (discrete)', () => {
    const bernoulli = new Bernoulli({ probs: 0.3 });
    expect(bernoulli.hasRsample).toBe(false);
    expect(() => bernoulli.rsample(2)).toThrow(NotImplementedError);
    expect(() => bernoulli.rsample(2)).toThrow('Bernoulli.rsample: this distribution has no reparameterised sampler');
    bernoulli.dispose();
  });

  it('keep the logits tensor given, and own the one derived from probs', () => {
    const logits = tf.tensor([0.5, -1]);
    const given = new Bernoulli({ logits });
    expect(given.logits).toBe(logits);
    given.dispose();
    expect(logits.isDisposed).toBe(false);
    const derived = new Bernoulli({ probs: [0.5, 0.25] });
    const own = derived.logits;
    derived.dispose();
    expect(own.isDisposed).toBe(true);
    logits.dispose();
  });
});
