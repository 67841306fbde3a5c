import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, values } from './helpers/backends';
import { logSumExp, softplus } from '../src/index';

// Importing latent registers tfjs-core's gradients (tfjs-core alone has none) and zero
// gradients for comparison and logical ops (tfjs has none at all).
describeEachBackend('registered gradients', (backend) => {
  const rtol = backend === 'webgpu' ? 4e-6 : 5e-7;

  it('differentiate tf.sum, the ops tfjs-core alone cannot', async () => {
    expect(await values(tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor([1, 2])))).toEqual([2, 4]);
  });

  it('let a where on a comparison be differentiated: |x| via where(x > 0, x, -x)', async () => {
    const abs = (x: tf.Tensor) => tf.sum(tf.where(tf.greater(x, 0), x, tf.neg(x)));
    expect(await values(tf.grad(abs)(tf.tensor([2, -3, 0.5])))).toEqual([1, -1, 1]);
  });

  it('cover every comparison and logical op', async () => {
    const f = (x: tf.Tensor) => {
      const zero = tf.zerosLike(x);
      const masks = [
        tf.equal(x, zero), tf.notEqual(x, zero), tf.less(x, zero), tf.lessEqual(x, zero),
        tf.greaterEqual(x, zero), tf.logicalNot(tf.greater(x, zero)),
        tf.logicalAnd(tf.greater(x, zero), tf.less(x, 10)), tf.logicalOr(tf.less(x, zero), tf.greater(x, 1)),
        tf.logicalXor(tf.less(x, zero), tf.greater(x, 1)),
      ];
      // Pairwise adds: tfjs-backend-webgpu's AddN with more than 7 inputs exceeds WebGPU's
      // default limit of 8 storage buffers per shader stage and returns garbage.
      return tf.sum(masks.map((m) => tf.where(m, x, tf.mul(x, 2))).reduce((a, b) => tf.add(a, b)));
    };
    // Each of the 9 terms contributes 1 where its mask holds, 2 elsewhere.
    expect(await values(tf.grad(f)(tf.tensor([-1, 0, 2])))).toEqual([12, 14, 13]);
  });

  it('take a gradient through logSumExp + softplus + where together', async () => {
    const x = [1, -2, 3];
    const f = (t: tf.Tensor) => tf.sum(tf.add(logSumExp(t), tf.add(softplus(t), tf.where(tf.greater(t, 0), t, tf.neg(t)))));
    const z = x.reduce((s, v) => s + Math.exp(v), 0);
    // logSumExp(t) is a scalar broadcast over the 3 terms of the sum: it counts 3 times.
    const want = x.map((v) => (3 * Math.exp(v)) / z + 1 / (1 + Math.exp(-v)) + (v > 0 ? 1 : -1));
    expectClose(await values(tf.grad(f)(tf.tensor(x))), want, { rtol });
  });
});
