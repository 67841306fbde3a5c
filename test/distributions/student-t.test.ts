import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { StudentT } from '../../src/index';
import fixtures from '../fixtures/student-t.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

describeEachBackend('StudentT against scipy (float64)', () => {
  it('logProb far into the tails and entropy, for ν from 0.5 to 1e6', async () => {
    for (const c of fixtures) {
      const d = new StudentT({ df: c.df, loc: c.loc, scale: c.scale });
      // ν = 1e6: log Γ((ν+1)/2) − log Γ(ν/2) is taken without cancelling terms of 6e6.
      expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 2e-6, atol: 2e-5 });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 2e-5 });
      d.dispose();
    }
  });

  it('mean and variance, with torch conventions where they do not exist (NaN mean for ν ≤ 1, Infinity variance for 1 < ν ≤ 2)', async () => {
    const d = new StudentT({ df: [0.5, 1.5, 3, 1e6], loc: 2, scale: 2 });
    const mean = await values(d.mean());
    expect(Number.isNaN(mean[0])).toBe(true);
    expect(mean.slice(1)).toEqual([2, 2, 2]);
    const variance = await values(d.variance());
    expect(Number.isNaN(variance[0])).toBe(true);
    expect(variance[1]).toBe(Infinity);
    expectClose(variance.slice(2), [12, 4.000008], { rtol: 1e-6 });
    for (const c of fixtures.filter((f) => typeof f.variance === 'number')) {
      const e = new StudentT({ df: c.df, loc: c.loc, scale: c.scale });
      expectClose(await values(e.variance()), [c.variance as number], { rtol: 1e-6 });
      e.dispose();
    }
    d.dispose();
  });

  it('draws: seeded, the right spread, gradients in ν, loc and scale, no leaks', async () => {
    const d = new StudentT({ df: 5, loc: 1, scale: 2 });
    expect(await values(d.sample(8, { seed: 2 }))).toEqual(await values(d.sample(8, { seed: 2 })));
    const n = 200_000;
    const x = await values(d.sample(n, { seed: 3 }));
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(20 / 3 / n)); // variance σ²ν/(ν−2) = 20/3
    expect(Math.abs(variance - 20 / 3) / (20 / 3)).toBeLessThan(0.05);
    // d/dσ E[|x − μ|] = E|t₅| = 2√5 Γ(3) / (√π Γ(5/2) · 4) ≈ 0.9490 per unit scale (n draws, 5 standard errors ≈ 0.015).
    const scale = tf.scalar(2);
    const g = await values(tf.grad((s: tf.Tensor) => tf.mean(tf.abs(tf.sub(new StudentT({ df: 5, loc: 1, scale: s }).rsample(n, { seed: 4 }), 1))))(scale));
    expect(Math.abs(g[0]! - 0.949)).toBeLessThan(0.015);
    const df = tf.scalar(5);
    const dDf = await values(tf.grad((v: tf.Tensor) => tf.mean(new StudentT({ df: v, loc: 0, scale: 1 }).rsample(1000, { seed: 5 })))(df));
    expect(Number.isFinite(dDf[0]!)).toBe(true);
    await expectNoLeak(() => d.rsample(4, { seed: 1 }), { warmup: 1 });
    tf.dispose([scale, df]);
    d.dispose();
  });
});
