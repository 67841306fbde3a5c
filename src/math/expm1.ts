import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { horner } from './horner';

/**
 * exp(x) - 1, accurate for tiny x on every backend: a 6-term series for
 * |x| < 0.01, Kahan's `(u - 1) · x / log(u)` with u = exp(x) up to |x| = 1,
 * and exp(x) - 1 beyond. Gradient exp(x).
 *
 * @example
 * ```ts
 * expm1(tf.scalar(1e-7)).print(); // 1.00000005e-7
 * ```
 */
export function expm1(x: tf.Tensor): tf.Tensor {
  checkTensor('expm1', 'x', x, 'float32');
  const op = unaryCustomGradient<[tf.Tensor]>((input, save) => {
    const u = tf.exp(input);
    save([u]);
    const series = tf.mul(input, horner(input, [1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720]));
    const kahan = tf.div(tf.mul(tf.sub(u, 1), input), tf.log(u));
    const absX = tf.abs(input);
    const value = tf.where(tf.less(absX, 0.01), series, tf.where(tf.less(absX, 1), kahan, tf.sub(u, 1)));
    return { value, gradFunc: (dy, [expX]) => tf.mul(dy, expX) };
  });
  return op(x);
}
