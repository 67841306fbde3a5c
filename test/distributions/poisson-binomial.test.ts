import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Binomial, Gamma, Poisson, setBackend, SVI } from '../../src/index';
import { binomialLogMass, binomialLogMassValue, poissonLogMass, poissonLogMassValue } from '../../src/distributions/count-log-mass';
import fixtures from '../fixtures/counts.json';
import { describeEachBackend, expectClose, TEST_BACKENDS, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

/**
 * Pearson's χ² of integer draws against a log-mass, over the counts whose
 * expected frequency is at least 20 (the rest pooled in one cell).
 */
function chiSquare(draws: number[], logMass: number[]): { statistic: number; cells: number } {
  const n = draws.length;
  const observed = new Map<number, number>();
  for (const k of draws) observed.set(k, (observed.get(k) ?? 0) + 1);
  let statistic = 0;
  let cells = 0;
  let pooledExpected = n;
  let pooledObserved = n;
  logMass.forEach((lp, k) => {
    const expected = n * Math.exp(lp);
    if (expected < 20) return;
    const o = observed.get(k) ?? 0;
    statistic += (o - expected) ** 2 / expected;
    pooledExpected -= expected;
    pooledObserved -= o;
    cells++;
  });
  if (pooledExpected > 1e-9) statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
  return { statistic, cells };
}

// With c cells the statistic has mean c − 1 and sd √(2(c − 1)); 8 sd is never reached by chance,
// while a sampler off by 1% in one cell of 20,000 draws (or a wrong acceptance test) exceeds it.
function expectChiSquareFits({ statistic, cells }: { statistic: number; cells: number }): void {
  expect(cells).toBeGreaterThan(1);
  expect(statistic).toBeLessThan(cells - 1 + 8 * Math.sqrt(2 * (cells - 1)));
}

describeEachBackend('Poisson and Binomial', (backend) => {
  it('Poisson: logProb (rates 1e-6 to 1e6), cdf, entropy, mean and variance against scipy', async () => {
    for (const c of fixtures.poisson) {
      const d = new Poisson({ rate: c.rate });
      // Rate 1e6: log-masses near −14 from terms of 1e7; Loader's form keeps 1e-5 relative.
      expectClose(await values(d.logProb(c.k)), c.logProb, { rtol: 1e-5, atol: 1e-5 });
      if (c.rate <= 1000) expectClose(await values(d.cdf(c.k)), c.cdf, { atol: 4e-6 });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 1e-6 });
      expectClose(await values(d.mean()), [c.mean], { rtol: 1e-7 });
      expectClose(await values(d.variance()), [c.variance], { rtol: 1e-7 });
      d.dispose();
    }
  });

  it('Binomial: logProb (n up to 1e6, p near 0 and 1), entropy, mean and variance against scipy', async () => {
    for (const c of fixtures.binomial) {
      const d = new Binomial({ totalCount: c.totalCount, logits: c.logits });
      // p = sigmoid(logits) carries float32 rounding ε, which moves log P by about |k − np| · ε:
      // 3e-4 at 6 standard deviations when n = 1e6.
      const atol = c.totalCount > 1e4 ? 1e-3 : 2e-5;
      expectClose(await values(d.logProb(c.k)), c.logProb, { rtol: 1e-5, atol });
      expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-5, atol: 1e-6 });
      expectClose(await values(d.mean()), [c.mean], { rtol: 1e-6 });
      expectClose(await values(d.variance()), [c.variance], { rtol: 1e-5 });
      d.dispose();
    }
  });

  it('logProb is −Infinity off the support when not validating, and validating refuses it', async () => {
    const p = new Poisson({ rate: 2 }, { validateArgs: false });
    expect(await values(p.logProb([-1, 1.5]))).toEqual([-Infinity, -Infinity]);
    const b = new Binomial({ totalCount: 3, probs: 0.5 }, { validateArgs: false });
    expect(await values(b.logProb([4, -1, 0.5]))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(() => new Poisson({ rate: 2 }).logProb(1.5)).toThrow('Poisson.logProb: value must be a non-negative integer (got 1.5');
    expect(() => new Binomial({ totalCount: 2.5, probs: 0.5 })).toThrow('Binomial: totalCount must be a non-negative integer (got 2.5)');
    expect(() => new Binomial({ totalCount: 2 } as never)).toThrow('exactly one of logits and probs');
    expect(() => new Poisson({ rate: 0 })).toThrow('Poisson: rate must be positive and finite (got 0)');
    // Certain outcomes: p = 0 and p = 1 give log-mass 0 at 0 and at n.
    expect(await values(new Binomial({ totalCount: 4, probs: [0, 1] }).logProb([0, 4]))).toEqual([0, 0]);
    expect(await values(new Binomial({ totalCount: 0, probs: 0.3 }).logProb(0))).toEqual([0]);
  });

  it('gradients: d/dλ log P = k/λ − 1; d/dlogits log P = k − np, through probs too', async () => {
    const k = [0, 3, 12];
    const rate = tf.tensor([2.5, 2.5, 7]);
    expectClose(await values(tf.grad((r: tf.Tensor) => tf.sum(new Poisson({ rate: r }).logProb(k)))(rate)), [-1, 0.2, 12 / 7 - 1], { rtol: 1e-6 });
    const logits = tf.tensor([-1, 0.5, 3]);
    const p = [-1, 0.5, 3].map((l) => 1 / (1 + Math.exp(-l)));
    const expected = k.map((ki, i) => ki - 20 * p[i]!);
    expectClose(await values(tf.grad((l: tf.Tensor) => tf.sum(new Binomial({ totalCount: 20, logits: l }).logProb(k)))(logits)), expected, { rtol: 1e-5, atol: 1e-5 });
    const probs = tf.tensor(p);
    const viaProbs = expected.map((g, i) => g / (p[i]! * (1 - p[i]!)));
    expectClose(await values(tf.grad((q: tf.Tensor) => tf.sum(new Binomial({ totalCount: 20, probs: q }).logProb(k)))(probs)), viaProbs, { rtol: 1e-4 });
    tf.dispose([rate, logits, probs]);
  });

  it('draws follow the mass function (χ², 20,000 draws) on both sides of the inversion/rejection switch', async (context) => {
    // On wasm only (16 s on cpu): seeded draws are the same on every backend (checked below).
    if (backend !== 'wasm') context.skip();
    const n = 20_000;
    for (const rate of [0.7, 9.5, 10.5, 37.5, 1e4]) {
      const d = new Poisson({ rate });
      const draws = await values(d.sample(n, { seed: 7 }));
      const top = Math.ceil(rate + 10 * Math.sqrt(rate) + 10);
      const logMass = await values(d.logProb(Array.from({ length: top }, (_, k) => k)));
      expectChiSquareFits(chiSquare(draws, logMass));
      d.dispose();
    }
    for (const [totalCount, probs] of [[20, 0.3], [1000, 0.004], [1000, 0.4], [50, 0.97], [200, 0.5]] as const) {
      const d = new Binomial({ totalCount, probs });
      const draws = await values(d.sample(n, { seed: 7 }));
      expect(draws.every((k) => Number.isInteger(k) && k >= 0 && k <= totalCount)).toBe(true);
      const logMass = await values(d.logProb(Array.from({ length: totalCount + 1 }, (_, k) => k)));
      expectChiSquareFits(chiSquare(draws, logMass));
      d.dispose();
    }
  });

  it('sample, logProb and entropy free what they make', async () => {
    const p = new Poisson({ rate: [0.5, 50] });
    const b = new Binomial({ totalCount: [5, 500], probs: 0.3 });
    await expectNoLeak(() => [p.sample(10, { seed: 1 }), p.logProb([1, 2]), p.entropy(), p.cdf(3), b.sample(10, { seed: 1 }), b.logProb(2), b.entropy()]);
    p.dispose();
    b.dispose();
  });
});

describe('Poisson and Binomial log-masses on cpu and wasm', () => {
  it.each(['cpu', 'wasm'] as const)('run as one host loop that equals the kernels (Loader\'s form as tf ops) on %s: Poisson within an ulp, Binomial (p and q in float64) within 1e-6 relative where the rounding of p cannot matter', async (backend) => {
    await setBackend(backend);
    const spread = (centre: number, width: number) => [0, 1, 2, 0.5, -1, ...[-6, -3, -1, 0, 1, 3, 6].map((z) => Math.max(0, Math.round(centre + z * width)))];
    const poisson = [1e-6, 0.5, 7.5, 40, 3000, 1e6].flatMap((rate) => spread(rate, Math.sqrt(rate)).map((k) => [k, rate] as const));
    const binomialRows = (cases: number[][]) =>
      cases.flatMap(([n, logits]) => [...spread(n! / (1 + Math.exp(-logits!)), Math.sqrt(n!) / 2), n!, n! + 1].map((k) => [k, n!, logits!] as const));
    const pairs = (rows: readonly (readonly number[])[]) => rows[0]!.map((_, j) => tf.tensor1d(rows.map((r) => r[j]!)));
    const binomialCase = (rows: (readonly number[])[]) => [
      () => binomialLogMass(...(pairs(rows) as [tf.Tensor, tf.Tensor, tf.Tensor])),
      () => binomialLogMassValue(...(pairs(rows) as [tf.Tensor, tf.Tensor, tf.Tensor])),
    ] as const;
    // At n = 1e6 the kernels' float32 p (a backend's sigmoid) moves log P by about |k − np| · ε: 1e-3 at 6 sd.
    const cases: [string, () => tf.Tensor, () => tf.Tensor, { rtol: number; atol: number }][] = [
      ['Poisson', () => poissonLogMass(...(pairs(poisson) as [tf.Tensor, tf.Tensor])), () => poissonLogMassValue(...(pairs(poisson) as [tf.Tensor, tf.Tensor])), { rtol: 1.2e-7, atol: 1e-6 }],
      ['Binomial', ...binomialCase(binomialRows([[20, -3], [40, -0.4], [1000, 2], [0, 1]])), { rtol: 1e-6, atol: 1e-6 }],
      ['Binomial, n = 1e6', ...binomialCase(binomialRows([[1e6, 0.1]])), { rtol: 1e-6, atol: 1e-3 }],
    ];
    for (const [name, host, kernels, tolerance] of cases) {
      const [got, want] = [await values(tf.tidy(host)), await values(tf.tidy(kernels))];
      expect(got.filter((v) => v === -Infinity).length, name).toBeGreaterThan(1);
      expectClose(got, want, tolerance);
    }
  });
});

describe('Poisson and Binomial draws', () => {
  it('the Gamma–Poisson model: a Gamma guide trained with SVI recovers the Gamma(α + Σx, β + N) posterior within 2%', async () => {
    await setBackend('cpu');
    // Prior Gamma(2, 1) on the rate; 12 counts summing to 61: the posterior is Gamma(63, 13) — mean 4.846, sd 0.6106.
    const counts = tf.tensor1d([3, 7, 4, 6, 5, 2, 8, 5, 4, 6, 7, 4]);
    const prior = new Gamma({ concentration: 2, rate: 1 });
    // Log-parameters: Adam's steps are relative, so shape 20 → 63 takes tens of steps, not a thousand.
    const raw = [tf.variable(tf.scalar(Math.log(20))), tf.variable(tf.scalar(Math.log(5)))];
    const guide = () => new Gamma({ concentration: tf.exp(raw[0]!), rate: tf.exp(raw[1]!) }, { validateArgs: false });
    const svi = new SVI({
      guide,
      // z [S] → log p(z) + Σ log p(counts | z), [S]
      logJoint: (z, { data }) => tf.add(prior.logProb(z), tf.sum(new Poisson({ rate: tf.expandDims(z, 1) }, { validateArgs: false }).logProb(tf.reshape(data, [1, -1])), 1)),
      variables: raw,
      optimizer: tf.train.adam(0.05),
      numSamples: 16,
      gradient: 'stl', // sticking the landing: no gradient noise at the exact posterior
      seed: 1,
    });
    await svi.fit(counts, { steps: 600, batchSize: 12 });
    const q = guide();
    const [mean, sd] = [(await values(q.mean()))[0]!, (await values(q.stddev()))[0]!];
    expect(Math.abs(mean - 63 / 13) / (63 / 13)).toBeLessThan(0.02);
    expect(Math.abs(sd - Math.sqrt(63) / 13) / (Math.sqrt(63) / 13)).toBeLessThan(0.02);
    svi.dispose();
    tf.dispose([counts, ...raw]);
    prior.dispose();
  });

  it(`are the same for a seed on ${TEST_BACKENDS.join(', ')}`, async () => {
    const draws: Record<string, number[][]> = {};
    for (const backend of TEST_BACKENDS) {
      await setBackend(backend);
      draws[backend] = [
        await values(new Poisson({ rate: [0.3, 4, 15, 900] }).sample(200, { seed: 5 })),
        await values(new Binomial({ totalCount: [10, 40, 300], probs: [0.5, 0.9, 0.2] }).sample(200, { seed: 5 })),
      ];
    }
    const [first, ...rest] = TEST_BACKENDS;
    for (const backend of rest) expect(draws[backend], backend).toEqual(draws[first as string]);
  });
});
