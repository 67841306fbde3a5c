import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { RelaxedBernoulli, RelaxedOneHotCategorical } from '../../src/index';
import fixtures from '../fixtures/relaxed.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

const softmax = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describeEachBackend('RelaxedBernoulli and RelaxedOneHotCategorical', () => {
  it('draws lie on the simplex, and their arg-max is distributed as the categorical (20,000 draws, 5 standard errors)', async () => {
    const logits = [0.5, -1, 1.5, 0];
    const d = new RelaxedOneHotCategorical({ temperature: 0.7, logits });
    const n = 20_000;
    const y = await values(d.rsample(n, { seed: 3 }));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const row = y.slice(4 * i, 4 * i + 4);
      expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-5);
      expect(Math.min(...row)).toBeGreaterThan(0);
      counts[row.indexOf(Math.max(...row))]!++;
    }
    softmax(logits).forEach((p, i) => expect(Math.abs(counts[i]! / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n)));
    d.dispose();
  });

  it('tend to one-hot vectors as the temperature falls, and to the centre as it grows', async () => {
    const largestMean = async (temperature: number) => {
      const y = await values(new RelaxedOneHotCategorical({ temperature, logits: [0, 0, 0] }).sample(2000, { seed: 5 }));
      let total = 0;
      for (let i = 0; i < 2000; i++) total += Math.max(y[3 * i]!, y[3 * i + 1]!, y[3 * i + 2]!);
      return total / 2000;
    };
    expect(await largestMean(0.02)).toBeGreaterThan(0.99);
    expect(await largestMean(1000)).toBeLessThan(1 / 3 + 0.01);
    const bernoulli = await values(new RelaxedBernoulli({ temperature: 0.005, probs: 0.3 }).sample(20_000, { seed: 5 }));
    // y lies within 0.01 of 0 or 1 unless |logits + L| < 4.6 τ = 0.023: probability 0.0097 here.
    const nearEnds = bernoulli.filter((v) => v < 0.01 || v > 0.99).length / bernoulli.length;
    expect(nearEnds).toBeGreaterThan(0.985);
    // P(y > ½) = sigmoid(logits) at every temperature.
    const above = bernoulli.filter((v) => v > 0.5).length / bernoulli.length;
    expect(Math.abs(above - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / 20_000));
  });

  it('the Concrete density integrates to 1: K = 2 on (0, 1) and K = 3 on the triangle', async () => {
    const m = 4000;
    const grid = Array.from({ length: m }, (_, i) => (i + 0.5) / m);
    const two = new RelaxedOneHotCategorical({ temperature: 1.5, logits: [0.8, -0.4] });
    const p2 = await values(tf.tidy(() => tf.exp(two.logProb(grid.map((t) => [t, 1 - t])))));
    expect(Math.abs(p2.reduce((s, v) => s + v, 0) / m - 1)).toBeLessThan(1e-3);
    const binary = new RelaxedBernoulli({ temperature: 1.5, logits: 1.2 });
    const pb = await values(tf.tidy(() => tf.exp(binary.logProb(grid))));
    expect(Math.abs(pb.reduce((s, v) => s + v, 0) / m - 1)).toBeLessThan(1e-3);
    // K = 3 at τ = 2 (a bounded density): midpoint rule on a 400 × 400 grid over y₁ + y₂ < 1.
    const three = new RelaxedOneHotCategorical({ temperature: 2, logits: [0.3, -0.5, 1] });
    const g = 400;
    const points: number[][] = [];
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
      const [a, b] = [(i + 0.5) / g, (j + 0.5) / g];
      if (a + b < 1) points.push([a, b, 1 - a - b]);
    }
    const p3 = await values(tf.tidy(() => tf.exp(three.logProb(points))));
    expect(Math.abs(p3.reduce((s, v) => s + v, 0) / (g * g) - 1)).toBeLessThan(5e-3);
    for (const d of [two, binary, three]) d.dispose();
  });

  it('logProb equals torch.distributions (float64) within 1e-5 relative', async () => {
    for (const c of fixtures.bernoulli) {
      expectClose(await values(new RelaxedBernoulli({ temperature: c.temperature, logits: c.logits }).logProb(c.y)), c.logProb, { rtol: 1e-5, atol: 1e-5 });
    }
    for (const c of fixtures.categorical) {
      expectClose(await values(new RelaxedOneHotCategorical({ temperature: c.temperature, logits: c.logits }).logProb(c.y)), c.logProb, { rtol: 1e-5, atol: 1e-4 });
    }
  });

  it('RelaxedBernoulli(τ, l) is the K = 2 Concrete with logits [l, 0]: the two formulas agree (1e-5)', async () => {
    const y = [1e-6, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 2 ** -23];
    for (const [temperature, l] of [[0.1, 2], [0.5, -3], [1, 0], [4, 1.5]] as const) {
      const binary = await values(new RelaxedBernoulli({ temperature, logits: l }).logProb(y));
      const pair = await values(new RelaxedOneHotCategorical({ temperature, logits: [l, 0] }).logProb(y.map((t) => [t, 1 - t])));
      expectClose(binary, pair, { rtol: 1e-5, atol: 1e-4 });
    }
  });

  it('pathwise gradients: d y / d logits = y (1 − y) / τ draw by draw', async () => {
    const logits = tf.tensor1d([0.3, -1.2]);
    const make = (l: tf.Tensor) => new RelaxedBernoulli({ temperature: 0.6, logits: l }, { validateArgs: false });
    const y = await values(make(logits).rsample(500, { seed: 9 }));
    const grad = await values(tf.grad((l: tf.Tensor) => tf.sum(make(l).rsample(500, { seed: 9 })))(logits));
    const expected = [0, 1].map((j) => y.filter((_, i) => i % 2 === j).reduce((s, v) => s + (v * (1 - v)) / 0.6, 0));
    expectClose(grad, expected, { rtol: 1e-4 });
    // The one-hot relaxation: the gradient of Σ_i y_i (= 1 for every draw) is 0.
    const flat = await values(tf.grad((l: tf.Tensor) => tf.sum(new RelaxedOneHotCategorical({ temperature: 0.6, logits: l }).rsample(50, { seed: 9 })))(tf.tensor1d([0.3, -1.2, 2])));
    expectClose(flat, [0, 0, 0], { atol: 1e-4 });
    logits.dispose();
  });

  it('logProb, sample and rsample free what they make; bad input is named', async () => {
    const a = new RelaxedBernoulli({ temperature: [0.5, 2], probs: 0.3 });
    const b = new RelaxedOneHotCategorical({ temperature: 0.5, probs: [[0.2, 0.8], [0.5, 0.5]] });
    await expectNoLeak(() => [a.rsample(3, { seed: 1 }), a.logProb(0.4), b.rsample(3, { seed: 1 }), b.logProb([0.3, 0.7])]);
    expect(() => new RelaxedBernoulli({ temperature: 0, logits: 1 })).toThrow('RelaxedBernoulli: temperature must be positive and finite (got 0)');
    expect(() => a.logProb(1.5)).toThrow('RelaxedBernoulli.logProb: value must be in [0, 1] (got 1.5)');
    expect(() => b.logProb([0.3, 0.3])).toThrow('RelaxedOneHotCategorical.logProb: value must be non-negative and sum to 1 along the last axis');
    expect(() => new RelaxedOneHotCategorical({ temperature: [1, 2, 3], logits: [[0, 1], [1, 0]] })).toThrow('temperature and logits batch shapes');
    // The faces of the simplex count as the draws' floor: finite log-densities, never NaN.
    for (const v of await values(a.logProb([[0, 1]]))) expect(Number.isFinite(v)).toBe(true);
    for (const v of await values(b.logProb([1, 0]))) expect(Number.isFinite(v)).toBe(true);
    a.dispose();
    b.dispose();
  });
});
