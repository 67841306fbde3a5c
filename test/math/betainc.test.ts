import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Beta, betainc, ShapeError, StudentT, ValidationError } from '../../src/index';
import fixtures from '../fixtures/betainc.json';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

const f = fixtures as { a: number[]; b: number[]; x: number[]; betainc: number[]; density: number[]; df: number[]; t: number[]; studentTCdf: number[] };

describeEachBackend('betainc and the Beta and Student-t cdfs', () => {
  it('betainc equals scipy within 3e-5 absolute, a and b from 0.1 to 1e3, x at quantiles 1e-6 to 1 − 1e-6', async () => {
    // The bound comes from float32's log B(a, b) at a = 0.1, b = 1e3 (2e-5 measured); elsewhere 1e-6.
    expectClose(await values(betainc(tf.tensor1d(f.a), tf.tensor1d(f.b), tf.tensor1d(f.x))), f.betainc, { atol: 3e-5 });
  });

  it('its gradient in x is the Beta density (5e-4 relative: float32 log B(a, b) at a = b = 1e3), with broadcasting; NaN in a and b', async () => {
    const x = tf.tensor1d(f.x);
    const grad = await values(tf.grad((t: tf.Tensor) => tf.sum(betainc(tf.tensor1d(f.a), tf.tensor1d(f.b), t)))(x));
    x.dispose();
    expectClose(grad, f.density, { rtol: 5e-4, atol: 1e-6 });
    const scalarX = tf.scalar(0.3);
    const summed = await values(tf.grad((t: tf.Tensor) => tf.sum(betainc(tf.tensor1d([2, 2]), tf.scalar(3), t)))(scalarX));
    scalarX.dispose();
    expectClose(summed, [2 * 12 * 0.3 * 0.7 ** 2], { rtol: 1e-4 }); // two copies of the Beta(2, 3) density 12 x (1 − x)²
    const a = tf.scalar(2);
    expect(await values(tf.grad((t: tf.Tensor) => betainc(t, tf.scalar(3), tf.scalar(0.3)))(a))).toEqual([Number.NaN]);
    a.dispose();
  });

  it('is 0 below 0 and 1 above 1; refuses shapes that do not broadcast; frees what it makes', async () => {
    expect(await values(betainc(tf.scalar(2), tf.scalar(3), tf.tensor1d([-1, 0, 1, 2])))).toEqual([0, 0, 1, 1]);
    expect(() => betainc(tf.ones([2]), tf.ones([3]), tf.scalar(0.5))).toThrow(ShapeError);
    const [a, b, x] = [tf.scalar(2), tf.scalar(3), tf.scalar(0.4)];
    await expectNoLeak(() => betainc(a, b, x), { warmup: 1 });
    await expectNoLeak(() => tf.grad((t: tf.Tensor) => betainc(a, b, t))(x), { warmup: 1 });
    tf.dispose([a, b, x]);
  });

  it('Beta.cdf is betainc of its concentrations', async () => {
    const beta = new Beta({ concentration1: [2, 0.5], concentration0: [3, 0.5] });
    expectClose(await values(beta.cdf([0.4, 0.5])), [0.5248, 0.5], { atol: 1e-4 });
    expect(() => beta.cdf([0.4, Number.NaN])).toThrow(ValidationError);
    beta.dispose();
  });

  it('StudentT.cdf equals scipy within 3e-5 absolute, df 0.5 to 1e6, t from −1e3 to 1e3, with loc and scale', async () => {
    const standard = new StudentT({ df: f.df, loc: 0, scale: 1 });
    expectClose(await values(standard.cdf(f.t)), f.studentTCdf, { atol: 3e-5 });
    standard.dispose();
    const shifted = new StudentT({ df: 3, loc: 2, scale: 0.5 });
    expectClose(await values(shifted.cdf([2, 2.5])), [0.5, 0.8044988905221147], { atol: 3e-5 }); // scipy: t(3).cdf(1)
    shifted.dispose();
  });
});
