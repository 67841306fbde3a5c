import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { normalizeAxes, reducedShape } from './axes';
import { logWithExactZero } from './log-zero';
import { emptyReduction, sum } from './sum';

/**
 * log(Σ exp(x)) along axes, computed stably (the maximum is factored out)
 * with the accurate {@link sum}. When every term is -Infinity the result is
 * -Infinity and the gradient is zero, not NaN; elsewhere the gradient is
 * softmax(x).
 *
 * @param x - log-values.
 * @param axis - axis or axes to reduce; all when omitted.
 * @param keepDims - keep reduced axes with size 1.
 *
 * @example
 * ```ts
 * logSumExp(tf.tensor([[0, 0], [-Infinity, -Infinity]]), 1).print(); // [0.6931, -Infinity]
 * ```
 */
export function logSumExp(x: tf.Tensor, axis?: number | readonly number[], keepDims = false): tf.Tensor {
  checkTensor('logSumExp', 'x', x, 'float32');
  const axes = normalizeAxes('logSumExp', axis, x.rank);
  const keptShape = reducedShape(x.shape, axes, true);
  const outShape = reducedShape(x.shape, axes, keepDims);
  if (axes.some((a) => x.shape[a] === 0)) return emptyReduction(x, outShape, -Infinity);
  const op = unaryCustomGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>((input, save) => {
    const max = tf.max(input, axes, true);
    const shift = tf.where(tf.isFinite(max), max, tf.zerosLike(max));
    const total = sum(tf.exp(tf.sub(input, shift)), axes, true);
    save([input, shift, total]);
    return {
      // When every term is -Infinity the total is 0: the shifted log is log(0) = -Infinity.
      value: tf.reshape(tf.add(logWithExactZero(total), shift), outShape),
      // softmax(x) = exp(x - shift) / total. The shift is exact, unlike lse itself in float32
      // (its spacing is 6e-5 near 1000); a total of 0 means every term is -Infinity: gradient 0.
      gradFunc: (dy, [xs, m, t]) => {
        const safeTotal = tf.where(tf.greater(t, 0), t, tf.onesLike(t));
        const softmax = tf.div(tf.exp(tf.sub(xs, m)), safeTotal);
        return tf.mul(tf.reshape(dy, keptShape), softmax);
      },
    };
  });
  return op(x);
}

/**
 * log(mean(exp(x))) along axes: {@link logSumExp} minus log of the number of
 * terms. The Monte-Carlo estimators' workhorse: the log of an average of
 * weights held in log space.
 *
 * @example
 * ```ts
 * logMeanExp(tf.tensor([Math.log(1), Math.log(3)])).print(); // log 2
 * ```
 */
export function logMeanExp(x: tf.Tensor, axis?: number | readonly number[], keepDims = false): tf.Tensor {
  checkTensor('logMeanExp', 'x', x, 'float32');
  const axes = normalizeAxes('logMeanExp', axis, x.rank);
  const count = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1);
  return tf.tidy(() => tf.sub(logSumExp(x, axes, keepDims), Math.log(count)));
}
