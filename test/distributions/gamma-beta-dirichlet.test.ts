import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Bernoulli, Beta, digamma, Dirichlet, Gamma, kl, klMonteCarlo, SVI, softplus, trigamma } from '../../src/index';
import fixtures from '../fixtures/gamma-family.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

describeEachBackend('Gamma, Beta and Dirichlet', (backend) => {
  it('Gamma: logProb (shapes 1e-3 to 1e4), cdf, entropy, mean and variance against scipy', async () => {
    for (const c of fixtures.gamma) {
      const d = new Gamma({ concentration: c.concentration, rate: c.rate });
      // Shape 1e4: log-densities of about −5 from terms of 1e5; the stable form keeps 1e-5 relative.
      expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 1e-5, atol: 2e-5 });
      if (c.concentration <= 1000) expectClose(await values(d.cdf(c.x)), c.cdf, { atol: 4e-6 }); // igamma's documented range
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 1e-5 });
      expectClose(await values(d.mean()), [c.mean], { rtol: 1e-6 });
      expectClose(await values(d.variance()), [c.variance], { rtol: 1e-6 });
      d.dispose();
    }
  });

  it('Beta: logProb near 0 and 1 and at the extremes of the parameters, entropy, mean, variance', async () => {
    for (const c of fixtures.beta) {
      const d = new Beta({ concentration1: c.concentration1, concentration0: c.concentration0 });
      // At a = b = 1000 the log-density is a difference of terms near 1400: 5e-4 is a few float32 ulps of them. The
      // entropy adds (a − 1)(ψ(a + b) − ψ(a)) twice: one float32 ulp of ψ ≈ 7 (4.8e-7) times 999 is 4.8e-4 each.
      const large = Math.max(c.concentration1, c.concentration0) > 100;
      const atol = large ? 5e-4 : 2e-5;
      expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 1e-5, atol });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: large ? 1e-3 : atol });
      expectClose(await values(d.mean()), [c.mean], { rtol: 1e-6 });
      expectClose(await values(d.variance()), [c.variance], { rtol: 1e-5 });
      d.dispose();
    }
  });

  it('Dirichlet: logProb, entropy, mean and variance up to 100 categories', async () => {
    for (const c of fixtures.dirichlet) {
      const d = new Dirichlet({ concentration: c.concentration });
      expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 1e-5, atol: 1e-4 });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 1e-4 });
      expectClose(await values(d.mean()), c.mean, { rtol: 1e-6 });
      expectClose(await values(d.variance()), c.variance, { rtol: 1e-5 });
      const draws = await values(d.sample(5, { seed: 1 }));
      const k = c.concentration.length;
      for (let i = 0; i < 5; i++) expect(Math.abs(draws.slice(i * k, (i + 1) * k).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-5);
      d.dispose();
    }
  });

  it('KL in closed form equals quadrature (1e-5 relative); Dirichlet against a 100,000-draw Monte-Carlo estimate', async () => {
    for (const c of fixtures.gammaKL) {
      const [p, q] = [new Gamma({ concentration: c.p[0]!, rate: c.p[1]! }), new Gamma({ concentration: c.q[0]!, rate: c.q[1]! })];
      // Shapes near 50: log Γ terms near 150 cancel to 0.0117, so 2e-5 absolute.
      expectClose(await values(kl(p, q)), [c.kl], { rtol: 1e-5, atol: 2e-5 });
    }
    for (const c of fixtures.betaKL) {
      const [p, q] = [new Beta({ concentration1: c.p[0]!, concentration0: c.p[1]! }), new Beta({ concentration1: c.q[0]!, concentration0: c.q[1]! })];
      expectClose(await values(kl(p, q)), [c.kl], { rtol: 1e-5, atol: 2e-6 });
    }
    const [p, q] = [new Dirichlet({ concentration: [0.8, 2, 3] }), new Dirichlet({ concentration: [1.5, 1.5, 1] })];
    const closed = (await values(kl(p, q)))[0]!;
    const estimate = (await values(klMonteCarlo(p, q, { numSamples: 100_000, seed: 3 })))[0]!;
    // The terms log p − log q have a standard deviation below 2 here: 4 standard errors ≈ 0.025.
    expect(Math.abs(estimate - closed)).toBeLessThan(0.025);
  });

  it('implicit gradients: d/dα E[f(z)] matches the closed form within 4 standard errors, shapes 1e-2 to 1e3', async () => {
    const n = 5_000;
    for (const alpha of [0.01, 0.3, 1, 4.5, 50, 1000]) {
      // One draw per copy of α: the gradient of Σ f(z_i) in α_i is the i-th per-draw estimate.
      const cases: Array<[string, (z: tf.Tensor) => tf.Tensor, number]> = [
        ['E[z]', (z) => z, 1],
        ['E[log z]', (z) => tf.log(z), (await values(trigamma(tf.scalar(alpha))))[0]!],
        ['E[z²]', (z) => tf.square(z), 2 * alpha + 1],
      ];
      for (const [label, f, exact] of cases) {
        if (label === 'E[log z]' && alpha < 0.1) continue; // log z of draws below 1e-30 reaches the float32 floor
        const a = tf.fill([n], alpha);
        const grads = await values(tf.grad((t: tf.Tensor) => tf.sum(f(new Gamma({ concentration: t, rate: 1 }, { validateArgs: false }).rsample([], { seed: 11 }))))(a));
        a.dispose();
        const mean = grads.reduce((s, v) => s + v, 0) / n;
        const sd = Math.sqrt(grads.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
        expect(Math.abs(mean - exact), `${label} at α = ${alpha}: ${mean} vs ${exact} (sd ${sd})`).toBeLessThanOrEqual(4 * (sd / Math.sqrt(n)) + 1e-6 * Math.abs(exact));
      }
    }
  });

  it('sampling: seeded, the moments of the family, and no leaks', async () => {
    const g = new Gamma({ concentration: [0.5, 7], rate: [2, 0.5] });
    expect(await values(g.sample(10, { seed: 4 }))).toEqual(await values(g.sample(10, { seed: 4 })));
    const n = 200_000;
    const draws = await values(g.sample(n, { seed: 5 }));
    const mean = [0, 1].map((j) => draws.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / n);
    // sd / √n: 0.0032 and 0.0118; 5 of them
    expectClose(mean, [0.25, 14], { atol: 0.06 });
    const b = new Beta({ concentration1: 2, concentration0: 5 });
    const bDraws = await values(b.sample(n, { seed: 6 }));
    expect(Math.abs(bDraws.reduce((s, v) => s + v, 0) / n - 2 / 7)).toBeLessThan(5 * Math.sqrt(10 / (49 * 8) / n));
    await expectNoLeak(() => g.rsample(3, { seed: 1 }), { warmup: 1 });
    const three = tf.scalar(3);
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(new Beta({ concentration1: t, concentration0: 2 }).rsample(4, { seed: 1 })))(three), { warmup: 1 });
    three.dispose();
    for (const d of [g, b]) d.dispose();
  });

  it("the coin's fairness (Pyro's first SVI model): a Beta guide recovers the Beta(16, 14) posterior within 2%", async (context) => {
    // Once, on cpu: 600 steps take ~20 s on wasm (kernel dispatch) and minutes on lavapipe's
    // software WebGPU; the gradients they use are checked on every backend above.
    if (backend !== 'cpu') context.skip();
    // Prior Beta(10, 10), 10 flips with 6 heads: the posterior is Beta(16, 14) — mean 0.5333, sd 0.0896.
    const flips = tf.tensor1d([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    const prior = new Beta({ concentration1: 10, concentration0: 10 });
    const raw = [tf.variable(tf.scalar(Math.log(Math.expm1(15)))), tf.variable(tf.scalar(Math.log(Math.expm1(15))))];
    const guide = () => new Beta({ concentration1: softplus(raw[0]!), concentration0: softplus(raw[1]!) }, { validateArgs: false });
    const svi = new SVI({
      guide,
      // z [S] → log p(z) + Σ log p(flips | z), [S]
      logJoint: (z, { data }) => tf.add(prior.logProb(z), tf.sum(new Bernoulli({ probs: tf.expandDims(z, 1) }, { validateArgs: false }).logProb(tf.reshape(data, [1, -1])), 1)),
      variables: raw,
      optimizer: tf.train.adam(0.05),
      numSamples: 16,
      seed: 1,
    });
    await svi.fit(flips, { steps: 600, batchSize: 10 });
    const q = guide();
    const [mean, sd] = [(await values(q.mean()))[0]!, (await values(q.stddev()))[0]!];
    expect(Math.abs(mean - 16 / 30) / (16 / 30)).toBeLessThan(0.02);
    expect(Math.abs(sd - Math.sqrt((16 * 14) / (30 * 30 * 31))) / 0.0896).toBeLessThan(0.02);
    svi.dispose();
    tf.dispose([flips, ...raw]);
    prior.dispose();
  });
});

it('digamma and the Gamma family agree: E[log z] = ψ(α) for draws of Gamma(α, 1)', async () => {
  const z = new Gamma({ concentration: 3, rate: 1 }).sample(100_000, { seed: 9 });
  const mean = (await values(tf.mean(tf.log(z))))[0]!;
  expect(Math.abs(mean - (await values(digamma(tf.scalar(3))))[0]!)).toBeLessThan(4 * Math.sqrt(0.3949 / 100_000)); // ψ′(3) = 0.3949
  z.dispose();
});
