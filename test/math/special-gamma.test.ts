import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { digamma, lbeta, lgamma, trigamma, ValidationError } from '../../src/index';
import fixtures from '../fixtures/special.json';
import { describeEachBackend, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

const FLOAT32_MAX = 3.4028234663852886e38;
const fromJSON = (v: number | string | null) => (v === null ? NaN : typeof v === 'string' ? Number(v) : v);

/** |got − want| ≤ atol + rtol·|want|, with float32 overflow mapped to ±Infinity and NaN/±Infinity matched exactly. */
function expectNear(got: number[], want: Array<number | string | null>, { rtol, atol }: { rtol: number; atol: number }, label: string): void {
  got.forEach((g, i) => {
    let w = fromJSON(want[i]!);
    if (Math.abs(w) > FLOAT32_MAX) w = Math.sign(w) * Infinity;
    if (!Number.isFinite(w)) {
      expect(g, `${label}[${i}]`).toBe(w);
      return;
    }
    expect(Math.abs(g - w), `${label}(${fixtures.x[i] ?? i}): got ${g}, want ${w}`).toBeLessThanOrEqual(atol + rtol * Math.abs(w));
  });
}

describeEachBackend('lgamma, digamma, trigamma, lbeta against scipy (float64)', () => {
  // Tolerances: float32 has a relative spacing of 6e-8; these allow a few ulps of the
  // terms that cancel (near the zeros of lgamma at 1 and 2 and of digamma at 1.4616).
  it('lgamma: within 3e-6 absolute or 2e-6 relative, +Infinity at the poles', async () => {
    const x = tf.tensor(fixtures.x);
    expectNear(await values(lgamma(x)), fixtures.lgamma, { rtol: 2e-6, atol: 3e-6 }, 'lgamma');
    expectNear(await values(lgamma(tf.tensor(fixtures.poles))), fixtures.lgammaPoles, { rtol: 0, atol: 0 }, 'lgamma poles');
    x.dispose();
  });

  it('digamma: within 1e-6 absolute or 2e-6 relative; −Infinity at 0, NaN at negative integers', async () => {
    const x = tf.tensor(fixtures.x);
    expectNear(await values(digamma(x)), fixtures.digamma, { rtol: 2e-6, atol: 1e-6 }, 'digamma');
    const poles = await values(digamma(tf.tensor(fixtures.poles)));
    expect(poles[0]).toBe(-Infinity);
    expect(poles.slice(1).every(Number.isNaN)).toBe(true);
    x.dispose();
  });

  it('trigamma: within 2e-6 relative (float32 overflow to Infinity below 5e-20)', async () => {
    const x = tf.tensor(fixtures.x);
    expectNear(await values(trigamma(x)), fixtures.trigamma, { rtol: 2e-6, atol: 1e-6 }, 'trigamma');
    x.dispose();
  });

  it('lbeta: within 2e-6 relative or 1e-6 absolute, also where log Γ would cancel; gradient ψ(a) − ψ(a + b)', async () => {
    const [a, b] = [tf.tensor(fixtures.a), tf.tensor(fixtures.b)];
    const got = await values(lbeta(a, b));
    got.forEach((g, i) => expect(Math.abs(g - fixtures.lbeta[i]!), `lbeta(${fixtures.a[i]}, ${fixtures.b[i]}): ${g} vs ${fixtures.lbeta[i]}`).toBeLessThanOrEqual(1e-6 + 2e-6 * Math.abs(fixtures.lbeta[i]!)));
    const grad = await values(tf.grad((t: tf.Tensor) => tf.sum(lbeta(t, b)))(a));
    grad.forEach((g, i) => expect(Math.abs(g - fixtures.dlbetaDa[i]!), `d lbeta/da at (${fixtures.a[i]}, ${fixtures.b[i]})`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(fixtures.dlbetaDa[i]!)));
    tf.dispose([a, b]);
  });

  it('gradients: lgamma′ = digamma, digamma′ = trigamma (checked against central differences in float64 terms)', async () => {
    const x = tf.tensor([0.3, 1, 4.5, 12, 250]);
    expect(await values(tf.grad((t: tf.Tensor) => tf.sum(lgamma(t)))(x))).toEqual(await values(digamma(x)));
    expect(await values(tf.grad((t: tf.Tensor) => tf.sum(digamma(t)))(x))).toEqual(await values(trigamma(x)));
    x.dispose();
  });

  it('log Γ(x + 1) = log Γ(x) + log x and B(a, b) = B(b, a) (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), fc.double({ min: 1e-3, max: 1e4, noNaN: true }), async (u, v) => {
        const [x, y] = [tf.scalar(u), tf.scalar(v)];
        const [l0, l1] = [(await values(lgamma(x)))[0]!, (await values(lgamma(tf.add(x, 1))))[0]!];
        const logX = Math.log(Math.fround(u));
        expect(Math.abs(l1 - (l0 + logX))).toBeLessThanOrEqual(2e-6 * (Math.abs(l1) + Math.abs(l0) + Math.abs(logX)) + 2e-6);
        const [ab, ba] = [(await values(lbeta(x, y)))[0]!, (await values(lbeta(y, x)))[0]!];
        expect(ab).toBe(ba);
        tf.dispose([x, y]);
      }),
      { numRuns: 30, seed: 12 },
    );
  });

  it('take float32 tensors only, and leak nothing', async () => {
    expect(() => lgamma([1, 2] as never)).toThrow(ValidationError);
    expect(() => lbeta(tf.ones([2]), tf.ones([3]))).toThrow('lbeta: a shape [2] and b shape [3] do not broadcast');
    const x = tf.tensor([0.5, 3]);
    await expectNoLeak(() => [lgamma(x), digamma(x), trigamma(x), lbeta(x, x)], { warmup: 1 });
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(lbeta(t, x)))(x), { warmup: 1 });
    x.dispose();
  });
});
