import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { expm1 } from './expm1';
import { log1p } from './log1p';
import { logWithExactZero } from './log-zero';

/**
 * log(1 - exp(x)) for x <= 0, accurate near 0 and far below it (Mächler's
 * rule: log(-expm1(x)) above -ln 2, log1p(-exp(x)) below). The log of a
 * complementary probability given a log-probability. NaN for x > 0.
 *
 * @example
 * ```ts
 * log1mExp(tf.tensor([-1e-6, -50])).print(); // [-13.8155, -1.9e-22]
 * ```
 */
export function log1mExp(x: tf.Tensor): tf.Tensor {
  checkTensor('log1mExp', 'x', x, 'float32');
  const op = unaryCustomGradient<[tf.Tensor, tf.Tensor]>((input, save) => {
    const negExpm1 = tf.neg(expm1(input));
    save([input, negExpm1]);
    const value = tf.where(tf.greater(input, -Math.LN2), logWithExactZero(negExpm1), log1p(tf.neg(tf.exp(input))));
    return {
      value,
      // d/dx log(1 - e^x) = -e^x / (1 - e^x)
      gradFunc: (dy, [xs, oneMinusExp]) => tf.div(tf.mul(dy, tf.neg(tf.exp(xs))), oneMinusExp),
    };
  });
  return op(x);
}
