import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Cauchy, Exponential, HalfNormal, kl, klMonteCarlo, Laplace, LogNormal, NotImplementedError, ValidationError, type Distribution } from '../../src/index';
import fixtures from '../fixtures/families.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectThrowsWithoutLeak } from '../helpers/no-leak';

type Params = Record<string, number>;
const MAKE: Record<string, (p: Params) => Distribution> = {
  Exponential: (p) => new Exponential({ rate: p.rate! }),
  Laplace: (p) => new Laplace({ loc: p.loc!, scale: p.scale! }),
  LogNormal: (p) => new LogNormal({ loc: p.loc!, scale: p.scale! }),
  HalfNormal: (p) => new HalfNormal({ scale: p.scale! }),
  Cauchy: (p) => new Cauchy({ loc: p.loc!, scale: p.scale! }),
};
type WithCdf = Distribution & { cdf(x: number[]): tf.Tensor };

describeEachBackend('Exponential, Laplace, LogNormal, HalfNormal, Cauchy against scipy (float64)', () => {
  for (const [name, cases] of Object.entries(fixtures.families)) {
    it(`${name}: logProb and cdf far into the tails, entropy, mean and variance`, async () => {
      for (const c of cases) {
        const d = MAKE[name]!(c.params);
        // float32: a few ulps of the largest term (|log x|, z², …); 1e-5 absolute near 0.
        expectClose(await values(d.logProb(c.x)), c.logProb, { rtol: 2e-6, atol: 1e-5 });
        expectClose(await values((d as WithCdf).cdf(c.x)), c.cdf, { rtol: 1e-5, atol: 1e-6 });
        expectClose(await values(d.entropy()), [c.entropy], { rtol: 1e-6, atol: 1e-6 });
        if (c.mean === null) {
          expect(() => d.mean()).toThrow(NotImplementedError);
          expect(() => d.variance()).toThrow(NotImplementedError);
        } else {
          expectClose(await values(d.mean()), [c.mean], { rtol: 2e-6 });
          expectClose(await values(d.variance()), [c.variance!], { rtol: 5e-6 });
        }
        d.dispose();
      }
    });

    it(`${name}: KL in closed form equals quadrature (1e-5) and a 200,000-draw Monte-Carlo estimate (5 standard errors)`, async () => {
      for (const pair of fixtures.kl[name as keyof typeof fixtures.kl]) {
        const [p, q] = [MAKE[name]!(pair.p as Params), MAKE[name]!(pair.q as Params)];
        const closed = (await values(kl(p, q)))[0]!;
        expect(Math.abs(closed - pair.kl)).toBeLessThanOrEqual(1e-5 * Math.max(1, pair.kl));
        const n = 200_000;
        const draws = p.sample(n, { seed: 7 });
        const terms = await values(tf.sub(p.logProb(draws), q.logProb(draws)));
        draws.dispose();
        const mean = terms.reduce((s, v) => s + v, 0) / n;
        const sd = Math.sqrt(terms.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
        const estimate = (await values(klMonteCarlo(p, q, { numSamples: n, seed: 7 })))[0]!;
        expect(Math.abs(estimate - pair.kl)).toBeLessThanOrEqual(5 * (sd / Math.sqrt(n)) + 1e-4);
        p.dispose();
        q.dispose();
      }
    });
  }

  it('rsample has the pathwise gradient of the mean (checked where the mean has a closed form)', async () => {
    // d/dθ E[X] by the reparameterised average of 100,000 draws against the analytic derivative.
    const cases: Array<[string, (t: tf.Tensor) => Distribution, number, (v: number) => number]> = [
      ['Exponential rate', (t) => new Exponential({ rate: t }), 2, (r) => -1 / (r * r)],
      ['Laplace loc', (t) => new Laplace({ loc: t, scale: 1 }), 0.5, () => 1],
      ['LogNormal scale', (t) => new LogNormal({ loc: 0, scale: t }), 0.5, (s) => s * Math.exp((s * s) / 2)],
      ['HalfNormal scale', (t) => new HalfNormal({ scale: t }), 2, () => Math.sqrt(2 / Math.PI)],
    ];
    for (const [label, make, at, derivative] of cases) {
      const grad = tf.grad((t: tf.Tensor) => tf.mean(make(t).rsample(100_000, { seed: 3 })))(tf.scalar(at));
      expect(Math.abs((await values(grad))[0]! - derivative(at)), label).toBeLessThanOrEqual(0.03 * Math.abs(derivative(at)));
    }
  });

  it('validation: support, parameters and the quantile function', async () => {
    expect(() => new Exponential({ rate: 0 })).toThrow('Exponential: rate must be positive and finite (got 0)');
    expect(() => new Exponential({ rate: 1 }).logProb(-1)).toThrow('Exponential.logProb: value must be non-negative (got -1)');
    expect(await values(new Exponential({ rate: 1 }, { validateArgs: false }).logProb(-1))).toEqual([-Infinity]);
    expect(() => new LogNormal({ loc: 0, scale: 1 }).logProb(0)).toThrow('LogNormal.logProb: value must be positive and finite (got 0)');
    expect(() => new HalfNormal({ scale: 1 }).logProb(-0.5)).toThrow('HalfNormal.logProb: value must be non-negative (got -0.5)');
    expect(() => new Cauchy({ loc: 0, scale: 1 }).icdf(2)).toThrow('Cauchy.icdf: p must be in [0, 1] (got 2)');
    // icdf inverts cdf
    for (const d of [new Exponential({ rate: 3 }), new Laplace({ loc: 1, scale: 2 }), new Cauchy({ loc: -1, scale: 0.5 })] as Array<WithCdf & { icdf(p: number[]): tf.Tensor }>) {
      const p = [0.01, 0.3, 0.5, 0.9, 0.999];
      const x = d.icdf(p);
      expectClose(await values((d as WithCdf).cdf(Array.from(await x.data()))), p, { rtol: 1e-5, atol: 1e-6 });
      x.dispose();
    }
    expect((await expectThrowsWithoutLeak(() => new Laplace({ loc: [0, 1], scale: [1, 2, 3] }))).message).toBe('Laplace: loc and scale shapes [2] and [3] do not broadcast');
    expect(() => new HalfNormal(undefined as never)).toThrow(ValidationError);
  });
});
