import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AffineCoupling,
  DisposedError,
  Exp,
  iaf,
  LogNormal,
  maf,
  Normal,
  nsf,
  realNVP,
  setBackend,
  ShapeError,
  TransformedDistribution,
  ValidationError,
  type Flow,
} from 'latent';
import { twoMoons } from 'latent/datasets';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

/** Moves every weight away from the identity the flow starts as. */
function perturb(flow: Flow, seed: number): void {
  flow.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', seed + i)))));
}

describeEachBackend('TransformedDistribution and Flow', () => {
  it('Exp of a Normal is the LogNormal: log-densities within 1e-5', async () => {
    const base = new Normal({ loc: [0.3, -1], scale: [0.5, 2] });
    const transformed = new TransformedDistribution(base, new Exp());
    const reference = new LogNormal({ loc: [0.3, -1], scale: [0.5, 2] });
    const x = tf.tensor2d([[0.1, 3], [1, 1e-3], [20, 0.5]]);
    expectClose(await values(transformed.logProb(x)), await values(reference.logProb(x)), { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x]);
    base.dispose();
    reference.dispose();
  });

  it('sampleAndLogProb: one forward pass gives the log-density logProb computes by the inverse (1e-4)', async () => {
    for (const make of [maf, iaf, nsf, realNVP]) {
      const flow = make({ dim: 3, layers: 2, hiddenSizes: [16], seed: 4 });
      perturb(flow, 4);
      const { sample, logProb } = flow.sampleAndLogProb(64, { seed: 2 });
      expect(sample.shape).toEqual([64, 3]);
      expectClose(await values(logProb), await values(flow.logProb(sample)), { rtol: 1e-4, atol: 1e-4 });
      sample.dispose();
      flow.dispose();
    }
  });

  it('a conditional flow: the context joins the batch shape', async () => {
    const flow = maf({ dim: 2, layers: 2, hiddenSizes: [8], contextSize: 3, seed: 1 });
    perturb(flow, 1);
    const context = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const q = flow.distribution(context);
    expect(q.batchShape).toEqual([5]);
    expect(q.eventShape).toEqual([2]);
    const draws = q.sample(4, { seed: 3 });
    expect(draws.shape).toEqual([4, 5, 2]);
    expect(q.logProb(draws).shape).toEqual([4, 5]);
    await expectNoLeak(() => flow.sample(2, { context, seed: 1 }), { warmup: 1 });
    tf.dispose([context, draws]);
    flow.dispose();
  });

  it('building and disposing each flow leaves no tensor behind', async () => {
    for (const make of [realNVP, maf, iaf, nsf]) {
      await expectNoLeak(() => {
        const flow = make({ dim: 3, layers: 2, hiddenSizes: [8], contextSize: 2, seed: 1 });
        const context = tf.zeros([2]);
        tf.dispose([flow.sample(4, { seed: 1, context }), context]);
        flow.dispose();
      });
    }
  });

  it('bad input: typed errors naming the call, and nothing leaks', async () => {
    const flow = realNVP({ dim: 2, layers: 2, hiddenSizes: [8], seed: 1 });
    const x3 = tf.zeros([4, 3]);
    expect((await expectThrowsWithoutLeak(() => flow.logProb(x3))).message).toMatch(/TransformedDistribution.logProb: value shape \[4,3\] does not end in eventShape \[2\]/);
    expect(() => flow.sample(2, { context: tf.zeros([1, 1]) })).toThrow(ValidationError);
    expect(() => new TransformedDistribution(new Normal({ loc: 0, scale: 1 }), new AffineCoupling({ dim: 2 }))).toThrow(ShapeError);
    await expect(flow.fit(x3, { steps: 1 })).rejects.toThrow(/Flow.fit: data rows must have 2 features/);
    await expect(flow.fit([[0, 1]], { steps: 1, context: [[1]] })).rejects.toThrow(ValidationError);
    expect(() => realNVP({ dim: 1 })).toThrow(/realNVP: dim must be at least 2/);
    expect(() => nsf({ dim: 2, bins: 0 })).toThrow(ValidationError);
    x3.dispose();
    flow.dispose();
    expect(() => flow.logProb([[0, 0]])).toThrow(DisposedError);
  });
});

// Training checks on one backend (wasm: 4x faster here than cpu); the bijector laws run on all three.
describe('Flow.fit [wasm]', () => {
  it('maximum likelihood on two moons: every builder lowers the test NLL from the base fit (3.89) below 3.3 in 100 steps (measured 2.58–3.09 on cpu and wasm)', async () => {
    await setBackend('wasm');
    const test = twoMoons(4000, { seed: 99 });
    for (const make of [realNVP, maf, iaf, nsf]) {
      const flow = make({ dim: 2, layers: 3, hiddenSizes: [32, 32], learningRate: 5e-3, seed: 5 });
      const nll = async (): Promise<number> => -((await values(tf.mean(flow.logProb(test))))[0] as number);
      const before = await nll();
      const batches = { *[Symbol.iterator]() { for (let i = 0; i < 100; i++) yield twoMoons(128, { seed: 1000 + i }); } };
      const { losses } = await flow.fit(batches);
      const after = await nll();
      expect(losses).toHaveLength(100);
      expect(before, make.name).toBeGreaterThan(3.7);
      expect(after, make.name).toBeLessThan(3.3);
      flow.dispose();
    }
    test.dispose();
  }, 120_000);

  it('the tensor count stays flat over 300 training steps, and a seed reproduces the weights bit for bit', async () => {
    await setBackend('wasm');
    const data = twoMoons(64, { seed: 1 });
    const run = async (make: typeof nsf, epochs: number) => {
      const flow = make({ dim: 2, layers: 2, hiddenSizes: [8], seed: 7 });
      const counts: number[] = [];
      await flow.fit(data, { epochs, batchSize: 32, onStep: () => void counts.push(tf.memory().numTensors) });
      const weights = await Promise.all(flow.variables.map((v) => v.data()));
      flow.dispose();
      return { counts, weights: weights.map((w) => Array.from(w)) };
    };
    const first = await run(realNVP, 150);
    expect(first.counts).toHaveLength(300);
    expect(new Set(first.counts.slice(2)).size, 'tensors per step after the first two').toBe(1);
    const spline = await run(nsf, 10);
    expect(new Set(spline.counts.slice(2)).size).toBe(1);
    expect((await run(nsf, 10)).weights).toEqual(spline.weights);
    data.dispose();
  });

  it('save/load restores the density exactly; a mismatch throws and changes nothing', async () => {
    await setBackend('wasm');
    const flow = maf({ dim: 2, layers: 3, hiddenSizes: [8], seed: 1 });
    perturb(flow, 3);
    const saved = JSON.parse(JSON.stringify(await flow.save()));
    const copy = maf({ dim: 2, layers: 3, hiddenSizes: [8], seed: 2 });
    const x = tf.randomNormal([10, 2], 0, 1, 'float32', 1);
    expect(await values(copy.load(saved).logProb(x))).toEqual(await values(flow.logProb(x)));
    const other = maf({ dim: 2, layers: 2, hiddenSizes: [8], seed: 2 });
    const before = await values(other.logProb(x));
    expect(() => other.load(saved)).toThrow(/Flow.load: saved.settings.layers must match this model's settings.layers \(2\)/);
    expect(await values(other.logProb(x))).toEqual(before);
    tf.dispose([x]);
    for (const f of [flow, copy, other]) f.dispose();
  });

  it('a non-finite loss stops the fit with a NonFiniteError and keeps the last good weights', async () => {
    await setBackend('wasm');
    const flow = realNVP({ dim: 2, layers: 2, hiddenSizes: [8], seed: 1 });
    await flow.fit([[0, 1], [1, 0]], { steps: 2, batchSize: 2 });
    const before = await Promise.all(flow.variables.map(async (v) => Array.from(await v.data())));
    await expect(flow.fit([[0, 1e30], [1, 0]], { steps: 1 })).rejects.toThrow(/Flow: the loss is Infinity at step 3; the variables keep their values from step 2/);
    expect(await Promise.all(flow.variables.map(async (v) => Array.from(await v.data())))).toEqual(before);
    flow.dispose();
  });

  it('a second concurrent fit is refused', async () => {
    await setBackend('wasm');
    const flow = maf({ dim: 2, layers: 1, hiddenSizes: [4], seed: 1 });
    const first = flow.fit([[0, 1], [1, 0]], { steps: 3 });
    await expect(flow.fit([[0, 1]], { steps: 1 })).rejects.toThrow(/another fit is still running/);
    await first;
    flow.dispose();
  });

  it('a conditional flow learns p(x | c): x = (c, −c) + noise', async () => {
    await setBackend('wasm');
    const c = tf.randomUniform([2000, 1], -2, 2, 'float32', 1);
    const x = tf.add(tf.concat([c, tf.neg(c)], 1), tf.randomNormal([2000, 2], 0, 0.2, 'float32', 2));
    const flow = maf({ dim: 2, layers: 2, hiddenSizes: [16, 16], contextSize: 1, learningRate: 5e-3, seed: 3 });
    await flow.fit(x, { context: c, epochs: 15, batchSize: 100 });
    const at = tf.tensor2d([[1.5, -1.5]]);
    const [right, wrong] = [await values(flow.logProb(at, tf.tensor2d([[1.5]]))), await values(flow.logProb(at, tf.tensor2d([[-1.5]])))];
    // Under the truth: log N(0; 0, 0.2²)² = 2·(−log 0.2 − ½ log 2π) ≈ 1.38 at the right context, ≈ −112 at the wrong one.
    expect(right[0]).toBeGreaterThan(0.5);
    expect(wrong[0]).toBeLessThan(-20);
    tf.dispose([c, x, at]);
    flow.dispose();
  }, 60_000);
});
