import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { horner } from './horner';
import { logWithExactZero } from './log-zero';

/**
 * log(1 + x), accurate for tiny x on every backend (wasm, webgl and webgpu
 * compute `tf.log1p(1e-7)` as 1.19e-7). Uses a 5-term series for |x| < 0.01,
 * Goldberg's `x · log(u) / (u - 1)` with u = fl(1 + x) up to 1, and log(1 + x)
 * above. Gradient 1 / (1 + x).
 *
 * @example
 * ```ts
 * log1p(tf.scalar(1e-7)).print(); // 9.9999995e-8
 * ```
 */
export function log1p(x: tf.Tensor): tf.Tensor {
  checkTensor('log1p', 'x', x, 'float32');
  const op = unaryCustomGradient<[tf.Tensor]>((input, save) => {
    save([input]);
    const u = tf.add(input, 1);
    const series = tf.mul(input, horner(input, [1, -1 / 2, 1 / 3, -1 / 4, 1 / 5]));
    // At x = -1: -1 · log(0) / -1 = -Infinity, with log(0) made exact (GPU log(0) is not).
    const goldberg = tf.div(tf.mul(input, logWithExactZero(u)), tf.sub(u, 1));
    const value = tf.where(
      tf.less(tf.abs(input), 0.01),
      series,
      tf.where(tf.greaterEqual(input, 1), tf.log(u), goldberg),
    );
    return { value, gradFunc: (dy, [xs]) => tf.div(dy, tf.add(xs, 1)) };
  });
  return op(x);
}
