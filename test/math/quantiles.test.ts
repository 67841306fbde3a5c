import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Beta, betaincinv, Gamma, igammainv, ShapeError, StudentT, ValidationError } from '../../src/index';
import fixtures from '../fixtures/quantiles.json';
import { beforeAll, describe } from 'vitest';
import { setBackend } from '../../src/index';
import { expectClose, TEST_BACKENDS, values } from '../helpers/backends';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

// scipy's gammaincinv, betaincinv and t.ppf in float64 (scripts/make-fixtures-quantiles.py), at float32 probabilities.
const f = fixtures as {
  gamma: { a: number[]; p: number[]; x: number[]; dxda: number[] };
  beta: { a: number[]; b: number[]; p: number[]; x: number[] };
  studentT: { df: number[]; p: number[]; t: number[] };
};

/** Compares with scipy where the quantile is a normal float32; below that (1e-58 at a = 0.01, p = 1e-6) it must be below 2^-126. */
function expectQuantiles(got: number[], want: number[], rtol: number): void {
  const normal = want.map((w) => w >= 2 ** -126);
  expectClose(got.filter((_, i) => normal[i]), want.filter((_, i) => normal[i]), { rtol });
  got.forEach((g, i) => {
    if (!normal[i]) expect(g, `index ${i}`).toBeLessThan(2 ** -126);
  });
}

/**
 * cpu and wasm run every case. On webgpu each inversion queues 26–47k kernels (see docs/backends.md): in Node,
 * Dawn on lavapipe has crashed when one process ran them on tensors of several sizes, so there the cases below
 * take eight rows of each fixture, one tensor size throughout.
 */
function onHostBackends(title: string, body: () => void): void {
  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await setBackend(backend);
      });
      body();
    });
  }
}

onHostBackends('quantiles: igammainv, betaincinv and the Gamma, Beta and Student-t icdf', () => {
  it('igammainv equals scipy within 2e-4 relative, a from 1e-2 to 1e3, p from 1e-6 to 1 − 1e-6', async () => {
    // Measured 9e-5 on wasm (a = 0.01, p = 0.99); the error is the cdf's over the density.
    expectQuantiles(await values(igammainv(tf.tensor1d(f.gamma.a), tf.tensor1d(f.gamma.p))), f.gamma.x, 2e-4);
  });

  it('betaincinv equals scipy within 4e-4 relative, a and b from 0.1 to 1e3, p from 1e-6 to 1 − 1e-6', async () => {
    // Measured 3e-4 at a = 0.1, b = 1e3, p = 0.8, where x = 7e-5 is one minus a float32 near 1; elsewhere below 2e-4.
    expectQuantiles(await values(betaincinv(tf.tensor1d(f.beta.a), tf.tensor1d(f.beta.b), tf.tensor1d(f.beta.p))), f.beta.x, 4e-4);
  });

  it('StudentT.icdf equals scipy within 3e-4 relative, df from 0.5 to 1e6, p from 1e-6 to 1 − 1e-6', async () => {
    const t = new StudentT({ df: f.studentT.df, loc: 0, scale: 1 });
    expectClose(await values(t.icdf(f.studentT.p)), f.studentT.t, { rtol: 3e-4 });
  });

  it('the distributions place their parameters: Gamma divides by the rate, StudentT shifts and scales', async () => {
    expectClose(await values(new Gamma({ concentration: 2.5, rate: 4 }).icdf([0.05, 0.5])), [0.5727381 / 4, 2.1757301 / 4], { rtol: 2e-4 });
    expectClose(await values(new StudentT({ df: 3, loc: 1, scale: 2 }).icdf([0.5, 0.975])), [1, 1 + 2 * 3.1824463], { rtol: 1e-4 });
    // The coin's posterior Beta(16, 14): its central 95% credible interval.
    expectClose(await values(new Beta({ concentration1: 16, concentration0: 14 }).icdf([0.025, 0.975])), [0.3569387, 0.7055144], { rtol: 2e-4 });
  });

  it('cdf(icdf(p)) = p for each family (2e-5 absolute)', async () => {
    const p = [1e-4, 0.1, 0.5, 0.9, 0.9999];
    for (const d of [new Gamma({ concentration: 0.3, rate: 2 }), new Beta({ concentration1: 0.5, concentration0: 3 }), new StudentT({ df: 2, loc: -1, scale: 3 })]) {
      expectClose(await values(d.cdf(d.icdf(p))), p, { atol: 2e-5 });
    }
  });

  it('the ends: 0 and Infinity (Gamma), 0 and 1 (Beta), ∓Infinity (StudentT); frees what it makes', async () => {
    expect(await values(new Gamma({ concentration: 2, rate: 1 }).icdf([0, 1]))).toEqual([0, Infinity]);
    expect(await values(new Beta({ concentration1: 2, concentration0: 3 }).icdf([0, 1]))).toEqual([0, 1]);
    expect(await values(new StudentT({ df: 4, loc: 0, scale: 1 }).icdf([0, 1]))).toEqual([-Infinity, Infinity]);
    const families = [new Gamma({ concentration: 2, rate: 1 }), new Beta({ concentration1: 2, concentration0: 0.5 }), new StudentT({ df: 3, loc: 0, scale: 1 })];
    const probs = tf.tensor1d([0.3, 0.9]);
    for (const d of families) {
      await expectNoLeak(() => d.icdf(probs), { warmup: 1 });
      await expectNoLeak(() => tf.grad((p: tf.Tensor) => tf.sum(d.icdf(p)))(probs), { warmup: 1 });
      const error = await expectThrowsWithoutLeak(() => d.icdf([0.3, -0.1]));
      expect(error).toBeInstanceOf(ValidationError);
      d.dispose();
    }
    probs.dispose();
  });
});

onHostBackends('gradients of the quantiles', () => {
  it('∂x/∂p = 1 / density for Gamma, Beta and StudentT (1e-3 relative)', async () => {
    const probs = tf.tensor1d([0.01, 0.3, 0.5, 0.8, 0.999]);
    for (const d of [new Gamma({ concentration: 2.5, rate: 1.5 }), new Beta({ concentration1: 2, concentration0: 0.7 }), new StudentT({ df: 3, loc: 0, scale: 2 })]) {
      const slope = await values(tf.grad((p: tf.Tensor) => tf.sum(d.icdf(p)))(probs));
      const density = await values(tf.exp(d.logProb(d.icdf(probs))));
      expectClose(slope, density.map((v) => 1 / v), { rtol: 1e-3 });
    }
    probs.dispose();
  });

  it('∂x/∂a of igammainv equals scipy by central differences (2e-3 relative), a from 0.1 to 100', async () => {
    const keep = f.gamma.a.map((a, i) => (a >= 0.1 && a <= 100 && f.gamma.p[i]! >= 1e-3 && f.gamma.p[i]! <= 0.99 ? i : -1)).filter((i) => i >= 0);
    const [a, p] = [tf.tensor1d(keep.map((i) => f.gamma.a[i]!)), tf.tensor1d(keep.map((i) => f.gamma.p[i]!))];
    const grad = await values(tf.grad((t: tf.Tensor) => tf.sum(igammainv(t, p)))(a));
    expectClose(grad, keep.map((i) => f.gamma.dxda[i]!), { rtol: 2e-3, atol: 1e-6 });
    tf.dispose([a, p]);
  });

  it('StudentT: ∂x/∂loc = 1, ∂x/∂scale = the standard quantile, ∂x/∂df as scipy (central differences, 2e-3)', async () => {
    const [loc, scale] = [tf.scalar(1), tf.scalar(2)];
    const [dLoc, dScale] = tf.grads((l: tf.Tensor, s: tf.Tensor) => new StudentT({ df: 3, loc: l, scale: s }).icdf(0.975))([loc, scale]);
    expectClose(await values(dLoc as tf.Tensor), [1], { rtol: 1e-5 });
    expectClose(await values(dScale as tf.Tensor), [3.1824463], { rtol: 1e-4 });
    tf.dispose([loc, scale, dLoc as tf.Tensor, dScale as tf.Tensor]);
    // Σ over p = 0.01, 0.3, 0.9 of ∂t_p/∂ν, scipy in float64 with relative steps of 1e-6.
    const expected: Record<number, number> = { 0.7: 948.69153, 2.5: 1.9722682, 10: 0.043053851, 100: 0.00031554253 };
    for (const [nu, want] of Object.entries(expected)) {
      const df = tf.scalar(Number(nu));
      const got = await values(tf.grad((n: tf.Tensor) => tf.sum(new StudentT({ df: n, loc: 0, scale: 1 }).icdf([0.01, 0.3, 0.9])))(df));
      df.dispose();
      expectClose(got, [want], { rtol: 2e-3 });
    }
  });

  it('Beta: ∂x/∂a and ∂x/∂b as scipy (central differences, 1e-4)', async () => {
    // Σ over p = 0.01, 0.3, 0.9, scipy in float64 with relative steps of 1e-6.
    const expected = [
      [0.5, 3, 0.56621040, -0.11676994],
      [2, 2, 0.30723095, -0.28537205],
      [20, 5, 0.028317633, -0.096090512],
    ] as const;
    for (const [a, b, wantA, wantB] of expected) {
      const [ta, tb] = [tf.scalar(a), tf.scalar(b)];
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(new Beta({ concentration1: x, concentration0: y }).icdf([0.01, 0.3, 0.9])))([ta, tb]);
      expectClose([...(await values(ga as tf.Tensor)), ...(await values(gb as tf.Tensor))], [wantA, wantB], { rtol: 1e-4 });
      tf.dispose([ta, tb, ga as tf.Tensor, gb as tf.Tensor]);
    }
  });
});

describe.runIf(TEST_BACKENDS.includes('webgpu'))('quantiles on webgpu, eight rows of each fixture', () => {
  beforeAll(async () => {
    await setBackend('webgpu');
  });
  const rows = (n: number) => Array.from({ length: 8 }, (_, i) => Math.floor(((i + 0.5) * n) / 8));

  it('igammainv, betaincinv and StudentT.icdf equal scipy as on the host', async () => {
    const g = rows(f.gamma.a.length);
    const pick = (xs: number[], at: number[]) => at.map((i) => xs[i]!);
    expectQuantiles(await values(igammainv(tf.tensor1d(pick(f.gamma.a, g)), tf.tensor1d(pick(f.gamma.p, g)))), pick(f.gamma.x, g), 2e-4);
    const b = rows(f.beta.a.length);
    expectQuantiles(await values(betaincinv(tf.tensor1d(pick(f.beta.a, b)), tf.tensor1d(pick(f.beta.b, b)), tf.tensor1d(pick(f.beta.p, b)))), pick(f.beta.x, b), 4e-4);
    const t = rows(f.studentT.df.length);
    expectClose(await values(new StudentT({ df: pick(f.studentT.df, t), loc: 0, scale: 1 }).icdf(pick(f.studentT.p, t))), pick(f.studentT.t, t), { rtol: 3e-4 });
  });
});

it('refuses probabilities outside [0, 1] and shapes that do not broadcast', () => {
  expect(() => new Beta({ concentration1: 2, concentration0: 3 }).icdf([0.5, 1.5])).toThrow(ValidationError);
  expect(() => new Beta({ concentration1: 2, concentration0: 3 }).icdf([0.5, 1.5])).toThrow('Beta.icdf: p must be in [0, 1] (got 1.5 at index 1)');
  expect(() => new Gamma({ concentration: [1, 2], rate: 1 }).icdf([0.1, 0.2, 0.3])).toThrow(ShapeError);
  expect(() => igammainv(tf.ones([2]), tf.ones([3]))).toThrow(ShapeError);
  expect(() => betaincinv(tf.ones([2]), tf.ones([3]), tf.scalar(0.5))).toThrow(ShapeError);
});
