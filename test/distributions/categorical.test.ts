import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectKLMatches } from '../helpers/kl';
import { describeEachBackend, expectClose, expectFlatTensorCount, TEST_BACKENDS, values } from '../helpers/backends';
import { Categorical, kl, NotImplementedError, setBackend, ShapeError, ValidationError } from '../../src/index';
import fixtures from '../fixtures/discrete.json';

const f = fixtures.categorical;
const K = 4;
const transpose = (rows: number[][]) => (rows[0] as number[]).map((_, j) => rows.map((r) => r[j] as number));
/**
 * How often each category was drawn, [...batchShape, k]. A where, not a cast: webgpu's cast of bool
 * to float32 keeps the bool buffer, and tf.sum over axis 0 of rank 3 then fails to compile (zeros).
 */
const counts = (draws: tf.Tensor, k: number) =>
  tf.tidy(() => {
    const hits = tf.equal(tf.expandDims(draws, -1), tf.range(0, k));
    return tf.sum(tf.where(hits, tf.ones(hits.shape), tf.zeros(hits.shape)), 0);
  });

// References: log-softmax, entropy and KL by mpmath at 50 digits (scripts/make-fixtures-discrete.py;
// float64 cannot represent a probability of 1 − 1e-26), checked there against scipy where float64
// suffices. The log-softmax keeps float32's relative accuracy for the largest logit too (−3.3e-26
// for logits [60, −60, 0, 1]): relative tolerances. Probabilities below float32's range (e^−120)
// flush to 0: absolute slack 1e-30 for those.
describeEachBackend('Categorical', (backend) => {
  // WGSL's exp and log are specified to a few ulp only (exp: 3 + 2|x| ulp): 4e-6 on webgpu.
  const rtol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it('logProbs, probs and logProb match mpmath for logits up to ±60, 1e5 apart, and near 1000', async () => {
    const categorical = new Categorical({ logits: f.logits });
    expect(categorical.batchShape).toEqual([f.logits.length]);
    expect(categorical.eventShape).toEqual([]);
    expect(categorical.numCategories).toBe(K);
    expectClose(await values(categorical.logProbs()), f.logProbs.flat(), { rtol });
    expectClose(await values(categorical.probs()), f.probs.flat(), { rtol, atol: 1e-30 });
    // every category of every batch member: x of shape [K, 1] broadcasts to [K, batch]
    const x = [[0], [1], [2], [3]];
    const got = await values(categorical.logProb(x));
    expectClose(got, transpose(f.logProbs).flat(), { rtol });
    expect(got.every(Number.isFinite)).toBe(true);
    expectClose(await values(categorical.logProb(tf.tensor(x, undefined, 'int32'))), transpose(f.logProbs).flat(), { rtol });
    expectClose(await values(categorical.prob(x)), transpose(f.probs).flat(), { rtol, atol: 1e-30 });
    categorical.dispose();
  });

  it('has a closed-form entropy, accurate when one category has probability 1 − 1e-26', async () => {
    const categorical = new Categorical({ logits: f.logits });
    expectClose(await values(categorical.entropy()), f.entropy, { rtol, atol: 1e-30 });
    categorical.dispose();
  });

  it('derives the logits from probs, and takes probabilities 0 as logits −Infinity', async () => {
    const categorical = new Categorical({ probs: f.givenProbs });
    expectClose(await values(tf.clone(categorical.logits)), f.logOfGivenProbs.flat(), { rtol });
    expectClose(await values(categorical.probs()), f.givenProbs.flat(), { rtol });
    const sparse = new Categorical({ probs: [[0.5, 0, 0.5], [0, 1, 0]] });
    expect(await values(tf.clone(sparse.logits))).toEqual([Math.log(0.5), -Infinity, Math.log(0.5), -Infinity, 0, -Infinity].map(Math.fround));
    expect(await values(sparse.logProb([1, 1]))).toEqual([-Infinity, 0]);
    expectClose(await values(sparse.entropy()), [Math.LN2, 0], { rtol });
    categorical.dispose();
    sparse.dispose();
  });

  it('keeps entropy finite, with finite gradients, when logits are −Infinity (torch #40553)', async () => {
    const logits = tf.tensor([[0, -Infinity, 0], [-Infinity, 1, -Infinity], [2, -Infinity, -1e5]]);
    expectClose(await values(new Categorical({ logits }).entropy()), [Math.LN2, 0, 0], { rtol });
    const grad = await values(tf.grad((l: tf.Tensor) => tf.sum(new Categorical({ logits: l }).entropy()))(logits));
    expect(grad.every(Number.isFinite)).toBe(true);
    // dH/dl_j = −p_j (log p_j + H): 0 for the −Infinity categories and for a lone possible one.
    expect(grad.map((g) => Math.abs(g) < 1e-7)).toEqual([true, true, true, true, true, true, true, true, true]);
    expect(await values(new Categorical({ logits }).probs())).toEqual([0.5, 0, 0.5, 0, 1, 0, 1, 0, 0]);
    logits.dispose();
  });

  it('logProb has the gradient onehot(x) − softmax(logits), also next to −Infinity logits', async () => {
    const rows = [f.logits[1] as number[], f.logits[2] as number[], f.logits[5] as number[]];
    const probs = [f.probs[1] as number[], f.probs[2] as number[], f.probs[5] as number[]];
    const logits = tf.tensor(rows);
    const x = [3, 0, 2];
    const grad = tf.grad((l: tf.Tensor) => tf.sum(new Categorical({ logits: l }).logProb(x)))(logits);
    const want = probs.flatMap((row, b) => row.map((p, j) => (j === x[b] ? 1 : 0) - p));
    // onehot − softmax: 1 − p of p = 1 − 8.8e-27 is below float32's resolution near 1, absolute 1e-7.
    expectClose(await values(grad), want, { rtol, atol: 1e-7 });
    const withInf = tf.tensor([[0, -Infinity, 0]]);
    const g = await values(tf.grad((l: tf.Tensor) => tf.sum(new Categorical({ logits: l }).logProb([0])))(withInf));
    expect(g).toEqual([0.5, 0, -0.5]);
    logits.dispose();
    withInf.dispose();
  });

  it('samples float32 category indices with shape sampleShape ++ batchShape, reproducibly, with the right frequencies', async () => {
    const probs = [[0.2, 0.5, 0.3], [0.05, 0.05, 0.9]];
    // batchShape [2, 1]: the draws have rank 3, and reducing them over axis 0 transposes them
    // (on webgpu that fails for a float32 tensor cast from int32, which keeps the int32 buffer).
    const categorical = new Categorical({ probs: probs.map((row) => [row]) });
    const n = 20_000;
    const draws = categorical.sample(n, { seed: 21 });
    expect(draws.shape).toEqual([n, 2, 1]);
    expect(draws.dtype).toBe('float32');
    expect(categorical.sample([2, 3], { seed: 1 }).shape).toEqual([2, 3, 2, 1]);
    expect(await values(categorical.sample(50, { seed: 3 }))).toEqual(await values(categorical.sample(50, { seed: 3 })));
    expect(await values(categorical.sample(50, { seed: 3 }))).not.toEqual(await values(categorical.sample(50, { seed: 4 })));
    const flat = await values(tf.clone(draws));
    expect(flat.every((v) => Number.isInteger(v) && v >= 0 && v < 3)).toBe(true);
    // each frequency within 5 standard errors √(p(1 − p)/n)
    const freq = await values(tf.div(counts(draws, 3), n));
    probs.flat().forEach((p, i) => expect(Math.abs((freq[i] as number) - p), `cell ${i}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n)));
    // the mean index Σ k p_k, within 5 standard errors
    const meanIndex = await values(tf.mean(draws, 0));
    probs.forEach((row, b) => {
      const mean = row.reduce((s, p, k) => s + k * p, 0);
      const sd = Math.sqrt(row.reduce((s, p, k) => s + p * (k - mean) ** 2, 0));
      expect(Math.abs((meanIndex[b] as number) - mean)).toBeLessThan((5 * sd) / Math.sqrt(n));
    });
    draws.dispose();
    categorical.dispose();
  });

  it('never samples a category with logit −1e5 or −Infinity (torch #91863)', async () => {
    const categorical = new Categorical({ logits: [[0, -1e5, 0, -Infinity], [-1e5, 3, -Infinity, -1e5], [1e5, 0, 1e5 - 1, -Infinity]] });
    const n = 100_000;
    const drawn = await values(counts(categorical.sample(n, { seed: 8 }), 4));
    expect(drawn[1]).toBe(0);
    expect(drawn[3]).toBe(0);
    expect(drawn[4]).toBe(0);
    expect(drawn[5]).toBe(n);
    expect(drawn[9]).toBe(0);
    expect(drawn[11]).toBe(0);
    // logits 1e5 and 1e5 − 1: probabilities 1/(1 + e^−1) = 0.731 and 0.269, within 5 standard errors
    const p = 1 / (1 + Math.exp(-1));
    expect(Math.abs((drawn[8] as number) / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    categorical.dispose();
  });

  it('has no mean or variance: categories are labels', () => {
    const categorical = new Categorical({ logits: [0, 1] });
    expect(() => categorical.mean()).toThrow(NotImplementedError);
    expect(() => categorical.mean()).toThrow('Categorical.mean: categories are labels, not numbers, so Categorical has no mean; use probs() for the probabilities');
    expect(() => categorical.variance()).toThrow('Categorical.variance: categories are labels, not numbers, so Categorical has no variance; use probs() for the probabilities');
    expect(() => categorical.stddev()).toThrow(NotImplementedError);
    categorical.dispose();
  });

  it('KL matches mpmath, is 0 at p = q and non-negative, and agrees with klMonteCarlo', async () => {
    const p = new Categorical({ logits: f.klLogitsP });
    const q = new Categorical({ logits: f.klLogitsQ });
    // Terms p·(log p − log q) of opposite signs cancel in KL(1,2,3 ‖ 3,2,1) = 1.15: 4 ulp of the terms' size (2), 1e-6.
    await expectKLMatches(p, q, { kl: f.kl, logRatioSd: f.klLogRatioSd }, { rtol: 2 * rtol, atol: 1e-6 });
    p.dispose();
    q.dispose();
  });

  it('KL: categories p cannot produce add exactly 0, those q cannot produce give +Infinity', async () => {
    const p = new Categorical({ logits: [[0, -Infinity, 0], [0, 0, 0], [0, -Infinity, 0]] });
    const q = new Categorical({ logits: [[0, 0, 0], [0, -Infinity, 0], [0, -Infinity, 0]] });
    expectClose(await values(kl(p, q)), [Math.log(1.5), Infinity, 0], { rtol });
    const [gp, gq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => kl(new Categorical({ logits: a }), new Categorical({ logits: b })))([
      tf.tensor([0, -Infinity, 0]),
      tf.tensor([0, 0, 0]),
    ]);
    // KL = Σ p (log p − log q): d/dlp = p (log p − log q − KL), d/dlq = q − p; finite next to −Infinity.
    expectClose(await values(gp as tf.Tensor), [0, 0, 0], { atol: 1e-7 });
    expectClose(await values(gq as tf.Tensor), [1 / 3 - 0.5, 1 / 3, 1 / 3 - 0.5], { rtol, atol: 1e-7 });
    p.dispose();
    q.dispose();
  });

  it('KL broadcasts batch shapes and refuses different numbers of categories', () => {
    const wide = new Categorical({ logits: [[[0, 1]], [[1, 0]]] });
    const narrow = new Categorical({ logits: [[0, 0], [1, 2], [3, 3]] });
    expect(kl(wide, narrow).shape).toEqual([2, 3]);
    const three = new Categorical({ logits: [0, 0, 0] });
    expect(() => kl(narrow, three)).toThrow(ShapeError);
    expect(() => kl(narrow, three)).toThrow('kl(Categorical ‖ Categorical): numCategories must be equal (got 2 and 3)');
    for (const d of [wide, narrow, three]) d.dispose();
  });

  it('leaks no tensors over repeated logProb, sample, entropy, logProbs, probs and kl', async () => {
    const p = new Categorical({ logits: [[-2, 0, 60], [0, -Infinity, 1]] });
    const q = new Categorical({ probs: [0.3, 0.5, 0.2] });
    await expectFlatTensorCount(() => [
      p.logProb([[1, 0]]), p.sample(3, { seed: 1 }), p.entropy(), p.logProbs(), p.probs(), kl(p, q), kl(q, p),
    ]);
    p.dispose();
    q.dispose();
  });
});

describe('Categorical sampling across backends', () => {
  it('gives the same draws for the same seed on every backend (seeded uniforms, generated in JavaScript)', async () => {
    const draws: number[][] = [];
    for (const backend of TEST_BACKENDS) {
      await setBackend(backend);
      const d = new Categorical({ logits: [[0, 1, 2, -1], [3, 0, -1e5, -Infinity]] });
      draws.push(await values(d.sample(2000, { seed: 9 })));
      d.dispose();
    }
    for (const other of draws.slice(1)) expect(other).toEqual(draws[0]);
  });
});

describe('Categorical input checks', () => {
  beforeAll(async () => {
    await setBackend('cpu'); // tensor arguments are read back to be checked
  });

  it('say that exactly one of logits and probs must be given', () => {
    expect(() => new Categorical({ logits: [0, 0], probs: [0.5, 0.5] } as never)).toThrow(ValidationError);
    expect(() => new Categorical({ logits: [0, 0], probs: [0.5, 0.5] } as never)).toThrow('Categorical: exactly one of logits and probs must be given (got both)');
    expect(() => new Categorical({} as never)).toThrow('Categorical: exactly one of logits and probs must be given (got neither)');
  });

  it('name the argument, the rule and the value', () => {
    expect(() => new Categorical({ probs: [[0.5, 0.5], [0.5, 0.75]] })).toThrow('Categorical: probs must be non-negative and sum to 1 along the last axis (got 0.5 at index [1,0])');
    expect(() => new Categorical({ probs: tf.tensor([1.5, -0.5]) })).toThrow('Categorical: probs must be non-negative and sum to 1 along the last axis (got -0.5 at index 1)');
    const rule = 'not be NaN or +Infinity, nor all -Infinity along the last axis';
    expect(() => new Categorical({ logits: [0, NaN] })).toThrow(`Categorical: logits must ${rule} (got NaN at index 1)`);
    expect(() => new Categorical({ logits: [[0, 1], [Infinity, 0]] })).toThrow(`Categorical: logits must ${rule} (got Infinity at index [1,0])`);
    expect(() => new Categorical({ logits: [[0, 1], [-Infinity, -Infinity]] })).toThrow(`Categorical: logits must ${rule} (got -Infinity at index [1,0])`);
    expect(() => new Categorical({ logits: 'a' as never })).toThrow('Categorical: logits must be a number, a rectangular nested array of numbers or a tf.Tensor (got "a")');
  });

  it('need a category axis with at least one category', () => {
    expect(() => new Categorical({ logits: 0 })).toThrow(ShapeError);
    expect(() => new Categorical({ logits: 0 })).toThrow('Categorical: logits must have shape [...batchShape, K] with K ≥ 1 categories on the last axis (got shape [])');
    expect(() => new Categorical({ probs: tf.zeros([2, 0]) })).toThrow('Categorical: probs must have shape [...batchShape, K] with K ≥ 1 categories on the last axis (got shape [2,0])');
    expect(() => new Categorical({ logits: [] })).toThrow('(got shape [0])');
    const single = new Categorical({ logits: [[3], [-1]] });
    expect(single.batchShape).toEqual([2]);
    single.dispose();
  });

  it('check logProb values and shapes, and broadcast them', () => {
    const categorical = new Categorical({ logits: [[0, 1, 2], [2, 1, 0]] });
    expect(() => categorical.logProb(3)).toThrow('Categorical.logProb: value must be an integer in [0, 2] (got 3)');
    expect(() => categorical.logProb([0, 1.5])).toThrow('Categorical.logProb: value must be an integer in [0, 2] (got 1.5 at index 1)');
    expect(() => categorical.logProb(tf.tensor([0, -1]))).toThrow('Categorical.logProb: value must be an integer in [0, 2] (got -1 at index 1)');
    expect(() => categorical.logProb([0, 1, 2])).toThrow('Categorical.logProb: value shape [3] does not broadcast with batchShape [2]');
    expect(categorical.logProb(1).shape).toEqual([2]);
    expect(categorical.logProb([[1], [0], [2]]).shape).toEqual([3, 2]);
    expect(categorical.logProb(tf.zeros([4, 5, 1], 'int32')).shape).toEqual([4, 5, 2]);
    categorical.dispose();
  });

  it('give -Infinity outside the categories when validation is off', async () => {
    const categorical = new Categorical({ logits: [0, 0] }, { validateArgs: false });
    expect(await values(categorical.logProb([0, 2, -1, 0.5]))).toEqual([Math.fround(-Math.LN2), -Infinity, -Infinity, -Infinity]);
    categorical.dispose();
  });

  it('have no rsample (discrete)', () => {
    const categorical = new Categorical({ probs: [0.3, 0.7] });
    expect(categorical.hasRsample).toBe(false);
    expect(() => categorical.rsample(2)).toThrow('Categorical.rsample: this distribution has no reparameterised sampler');
    categorical.dispose();
  });

  it('keep the logits tensor given, and own the one derived from probs', () => {
    const logits = tf.tensor([0.5, -1]);
    const given = new Categorical({ logits });
    expect(given.logits).toBe(logits);
    given.dispose();
    expect(logits.isDisposed).toBe(false);
    const derived = new Categorical({ probs: [0.5, 0.5] });
    const own = derived.logits;
    derived.dispose();
    expect(own.isDisposed).toBe(true);
    logits.dispose();
  });
});
