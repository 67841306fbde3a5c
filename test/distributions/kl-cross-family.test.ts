import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  Bernoulli,
  Beta,
  Binomial,
  ContinuousBernoulli,
  Exponential,
  Gamma,
  kl,
  klMonteCarlo,
  Laplace,
  Normal,
  Poisson,
  Uniform,
  type Distribution,
} from '../../src/index';
import fixtures from '../fixtures/kl-cross.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

const make: Record<string, (v: number[]) => Distribution> = {
  Normal: ([loc, scale]) => new Normal({ loc: loc!, scale: scale! }),
  Laplace: ([loc, scale]) => new Laplace({ loc: loc!, scale: scale! }),
  Exponential: ([rate]) => new Exponential({ rate: rate! }),
  Gamma: ([concentration, rate]) => new Gamma({ concentration: concentration!, rate: rate! }),
  Beta: ([a, b]) => new Beta({ concentration1: a!, concentration0: b! }),
  Uniform: ([low, high]) => new Uniform({ low: low!, high: high! }),
  ContinuousBernoulli: ([logits]) => new ContinuousBernoulli({ logits: logits! }),
  Poisson: ([rate]) => new Poisson({ rate: rate! }),
  Binomial: ([totalCount, logits]) => new Binomial({ totalCount: totalCount!, logits: logits! }),
  Bernoulli: ([probs]) => new Bernoulli({ probs: probs! }),
};

describeEachBackend('KL across families', () => {
  it('equals float64 quadrature (continuous) and exact sums (counts) within 1e-5 relative', async () => {
    for (const c of [...fixtures.continuous, ...fixtures.counts]) {
      const [p, q] = [make[c.p]!(c.pParams), make[c.q]!(c.qParams)];
      // Cross-entropy minus entropy: terms of size ~1 cancel to the KL, hence 2e-5 absolute.
      expectClose(await values(kl(p, q)), [c.kl], { rtol: 1e-5, atol: 2e-5 });
      p.dispose();
      q.dispose();
    }
  });

  it('agrees with klMonteCarlo (50,000 draws, 5 standard errors) for a pair of each target family', async () => {
    const pairs: Array<[Distribution, Distribution]> = [
      [new Gamma({ concentration: 3, rate: 2 }), new Normal({ loc: 1, scale: 1.5 })],
      [new Beta({ concentration1: 2, concentration0: 5 }), new Gamma({ concentration: 1.5, rate: 4 })],
      [new Uniform({ low: 0.1, high: 0.7 }), new ContinuousBernoulli({ logits: -1.5 })],
      [new Normal({ loc: 0.3, scale: 0.7 }), new Laplace({ loc: -0.4, scale: 1.1 })],
      [new Binomial({ totalCount: 30, logits: 0.2 }), new Binomial({ totalCount: 100, logits: -1 })],
    ];
    for (const [p, q] of pairs) {
      const closed = (await values(kl(p, q)))[0]!;
      const n = 50_000;
      const x = p.sample(n, { seed: 4 });
      const ratios = await values(tf.tidy(() => tf.sub(p.logProb(x), q.logProb(x))));
      x.dispose();
      const mean = ratios.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(ratios.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      expect(Math.abs(mean - closed), `${p.name} ‖ ${q.name}`).toBeLessThan(5 * (sd / Math.sqrt(n)) + 1e-6);
      const estimate = (await values(klMonteCarlo(p, q, { numSamples: 1000, seed: 2 })))[0]!;
      expect(Number.isFinite(estimate)).toBe(true);
    }
  });

  it('is +Infinity where p has mass outside q’s support (and for a Uniform reaching past it)', async () => {
    const infinite: Array<[Distribution, Distribution]> = [
      [new Normal({ loc: 0, scale: 1 }), new Beta({ concentration1: 2, concentration0: 2 })],
      [new Exponential({ rate: 1 }), new ContinuousBernoulli({ logits: 0 })],
      [new Gamma({ concentration: 2, rate: 1 }), new Uniform({ low: 0, high: 100 })],
      [new Laplace({ loc: 5, scale: 1 }), new Exponential({ rate: 1 })],
      [new Normal({ loc: 5, scale: 1 }), new Gamma({ concentration: 2, rate: 1 })],
      [new Poisson({ rate: 0.1 }), new Binomial({ totalCount: 50, probs: 0.5 })],
      [new Poisson({ rate: 0.1 }), new Bernoulli({ probs: 0.5 })],
      [new Binomial({ totalCount: 8, probs: 0.5 }), new Binomial({ totalCount: 7, probs: 0.5 })],
      [new Uniform({ low: -0.1, high: 2 }), new Exponential({ rate: 1 })],
      [new Uniform({ low: 0.5, high: 1.2 }), new Beta({ concentration1: 2, concentration0: 2 })],
    ];
    for (const [p, q] of infinite) expect(await values(kl(p, q)), `${p.name} ‖ ${q.name}`).toEqual([Infinity]);
    // Batched: a Uniform batch half inside [0, 1].
    const u = new Uniform({ low: [0.2, -1], high: [0.8, 0.5] });
    const got = await values(kl(u, new ContinuousBernoulli({ logits: 0.5 })));
    expect(Number.isFinite(got[0]!)).toBe(true);
    expect(got[1]).toBe(Infinity);
  });

  it('frees what it makes', async () => {
    const [g, n, l, b1, b2] = [new Gamma({ concentration: 3, rate: 2 }), new Normal({ loc: 1, scale: 1.5 }), new Laplace({ loc: 0, scale: 1 }), new Binomial({ totalCount: 3, probs: 0.2 }), new Binomial({ totalCount: 9, probs: 0.7 })];
    await expectNoLeak(() => [kl(g, n), kl(b1, b2), kl(n, l)]);
    for (const d of [g, n, l, b1, b2]) d.dispose();
  });
});
