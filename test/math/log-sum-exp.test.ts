import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { logMeanExp, logSumExp } from '../../src/index';
import fixtures from '../fixtures/math.json';

// References: scipy.special.logsumexp in float64 (scripts/make-fixtures.py).
// Tolerance: 2e-6 relative (+1e-6 absolute near 0), a few float32 ulps after the shift.
describeEachBackend('logSumExp', () => {
  it('matches scipy along the last axis, including ±1000 and -1e5 terms', async () => {
    const { x, logSumExp: want, softmax } = fixtures.logSumExp;
    expectClose(await values(logSumExp(tf.tensor(x), 1)), want, { rtol: 2e-6, atol: 1e-6 });
    const grad = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 1)))(tf.tensor(x));
    expectClose(await values(grad), softmax.flat(), { rtol: 2e-6, atol: 1e-7 });
  });

  it('is -Infinity with zero (not NaN) gradient when every term is -Infinity', async () => {
    const x = tf.tensor([[-Infinity, -Infinity], [0, -Infinity]]);
    expect(await values(logSumExp(x, 1))).toEqual([-Infinity, 0]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 1)))(x);
    expect(await values(grad)).toEqual([0, 0, 1, 0]);
  });

  it('reduces all axes by default, several axes, and keeps dims on request', async () => {
    const x = tf.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const all = Math.log([1, 2, 3, 4, 5, 6, 7, 8].reduce((s, v) => s + Math.exp(v), 0));
    expectClose(await values(logSumExp(x)), [all], { rtol: 1e-6 });
    const kept = logSumExp(x, [0, 2], true);
    expect(kept.shape).toEqual([1, 2, 1]);
    const row = (vs: number[]) => Math.log(vs.reduce((s, v) => s + Math.exp(v), 0));
    expectClose(await values(kept), [row([1, 2, 5, 6]), row([3, 4, 7, 8])], { rtol: 1e-6 });
    expect(logSumExp(x, -1).shape).toEqual([2, 2]);
  });

  it('is sum-invariant: logSumExp(x + c) = logSumExp(x) + c (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.float({ min: -100, max: 100, noNaN: true }),
        async (xs, c) => {
          const a = (await values(logSumExp(tf.tensor(xs))))[0] as number;
          const b = (await values(logSumExp(tf.add(tf.tensor(xs), c))))[0] as number;
          const exact = Math.log(xs.reduce((s, v) => s + Math.exp(v), 0));
          expect(Math.abs(a - exact)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(exact)));
          expect(Math.abs(b - (a + Math.fround(c)))).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(a + c)));
        },
      ),
      { numRuns: 30, seed: 11 },
    );
  });

  it('leaks no tensors, forward or backward', async () => {
    const x = tf.tensor([[1, 2, 3], [-Infinity, -Infinity, -Infinity]]);
    await expectFlatTensorCount(() => tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, 1)))(x));
    x.dispose();
  });
});

describeEachBackend('logMeanExp', () => {
  it('is the log of the mean of the exponentials', async () => {
    expectClose(await values(logMeanExp(tf.tensor([Math.log(1), Math.log(3)]))), [Math.log(2)], { rtol: 1e-6 });
    const x = tf.tensor([[0, 0, 0], [1, 2, 3]]);
    const want = [0, Math.log((Math.E + Math.exp(2) + Math.exp(3)) / 3)];
    expectClose(await values(logMeanExp(x, 1)), want, { rtol: 1e-6, atol: 1e-7 });
  });
});
