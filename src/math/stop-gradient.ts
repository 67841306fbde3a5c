import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';

/**
 * The identity in the forward pass, a zero gradient in the backward pass
 * (tfjs has no `stopGradient`). Used wherever a value must be treated as a
 * constant inside a differentiated function, e.g. log q with its parameters
 * held fixed in the STL and DReG estimators.
 *
 * @example
 * ```ts
 * const g = tf.grad((x) => tf.mul(x, stopGradient(x)));
 * g(tf.scalar(3)).print(); // 3, not 6
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  checkTensor('stopGradient', 'x', x);
  const op = unaryCustomGradient((input) => ({ value: tf.clone(input), gradFunc: (dy) => tf.zerosLike(dy) }));
  return op(x) as T;
}
