import * as tf from '@tensorflow/tfjs-core';

/** What the body of a {@link unaryCustomGradient} returns: the value and its gradient rule. */
export interface UnaryGradientRule {
  value: tf.Tensor;
  /** Maps the upstream gradient and the tensors passed to `save` to the gradient of the input. */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor;
}

/**
 * A typed `tf.customGrad` for functions of one tensor. tfjs runs the body in
 * a `tidy` and keeps a copy of what is saved until the backward pass, so the
 * body may create temporaries freely.
 */
export function unaryCustomGradient(
  body: (x: tf.Tensor, save: tf.GradSaveFunc) => UnaryGradientRule,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => body(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc));
  return (x) => op(x);
}
