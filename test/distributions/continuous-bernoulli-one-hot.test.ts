import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Categorical, ContinuousBernoulli, kl, OneHotCategorical } from '../../src/index';
import fixtures from '../fixtures/continuous-bernoulli.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

describeEachBackend('ContinuousBernoulli and OneHotCategorical', () => {
  it('ContinuousBernoulli: logProb, cdf, mean, variance, entropy against 50-digit quadrature, logits −60 … 60 and near 0', async () => {
    for (const c of fixtures) {
      const d = new ContinuousBernoulli({ logits: c.logits });
      expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 2e-6, atol: 2e-6 });
      expectClose(await values(d.cdf(c.x)), c.cdf, { rtol: 1e-5, atol: 1e-6 });
      expectClose(await values(d.mean()), [c.mean], { rtol: 2e-6, atol: 1e-7 });
      expectClose(await values(d.variance()), [c.variance], { rtol: 1e-4, atol: 1e-8 });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 2e-6 });
      d.dispose();
    }
  });

  it('ContinuousBernoulli: draws invert the cdf, are reparameterised, and match the mean', async () => {
    const d = new ContinuousBernoulli({ probs: [0.2, 0.5, 0.9] });
    const p = [0.001, 0.3, 0.5, 0.97];
    for (const eta of [-3, 0, 1e-6, 4]) {
      const e = new ContinuousBernoulli({ logits: eta });
      const x = e.icdf(p);
      expectClose(await values(e.cdf(Array.from(await x.data()))), p, { atol: 2e-6 });
      x.dispose();
      e.dispose();
    }
    const n = 100_000;
    const draws = await values(d.sample(n, { seed: 1 }));
    const means = [0, 1, 2].map((j) => draws.filter((_, i) => i % 3 === j).reduce((s, v) => s + v, 0) / n);
    expectClose(means, await values(d.mean()), { atol: 5 * Math.sqrt(1 / 12 / n) });
    const logits = tf.scalar(1.5);
    const g = await values(tf.grad((t: tf.Tensor) => tf.mean(new ContinuousBernoulli({ logits: t }).rsample(n, { seed: 2 })))(logits));
    // d/dη E[X] = Var[X] (an exponential family with sufficient statistic x).
    const variance = (await values(new ContinuousBernoulli({ logits: 1.5 }).variance()))[0]!;
    expect(Math.abs(g[0]! - variance)).toBeLessThan(0.01 * variance);
    await expectNoLeak(() => d.rsample(3, { seed: 1 }), { warmup: 1 });
    logits.dispose();
    d.dispose();
  });

  it('OneHotCategorical: one-hot draws, the categorical law, KL of the categoricals, support checked', async () => {
    const probs = [[0.1, 0.2, 0.7], [0.5, 0.5, 0]];
    const d = new OneHotCategorical({ probs });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    const draws = await values(d.sample(4, { seed: 3 }));
    for (let r = 0; r < 8; r++) expect(draws.slice(3 * r, 3 * r + 3).sort()).toEqual([0, 0, 1]);
    expectClose(await values(d.logProb([[0, 0, 1], [1, 0, 0]])), [Math.log(0.7), Math.log(0.5)], { rtol: 1e-6 });
    expect(await values(d.logProb([[1, 0, 0], [0, 0, 1]]))).toEqual([Math.fround(Math.log(0.1)), -Infinity]);
    expect(() => d.logProb([[0, 1, 1], [1, 0, 0]])).toThrow('OneHotCategorical.logProb: value must be one-hot along the last axis (zeros and a single 1) (got 0 at index [0,0])');
    const q = new OneHotCategorical({ logits: [[0, 0, 0], [1, 2, 3]] });
    const [c1, c2] = [new Categorical({ probs }), new Categorical({ logits: [[0, 0, 0], [1, 2, 3]] })];
    expect(await values(kl(d, q))).toEqual(await values(kl(c1, c2)));
    expectClose(await values(d.mean()), probs.flat(), { rtol: 1e-6, atol: 1e-7 });
    for (const x of [d, q, c1, c2]) x.dispose();
  });
});
