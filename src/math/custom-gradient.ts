import * as tf from '@tensorflow/tfjs-core';

/** What the body of a {@link unaryCustomGradient} returns: the value and its gradient rule. */
export interface UnaryGradientRule<Saved extends tf.Tensor[]> {
  value: tf.Tensor;
  /** Maps the upstream gradient and the tensors passed to `save` to the gradient of the input. */
  gradFunc: (dy: tf.Tensor, saved: Saved) => tf.Tensor;
}

/**
 * A typed `tf.customGrad` for functions of one tensor. tfjs runs the body in
 * a `tidy` and keeps a copy of what is saved until the backward pass, so the
 * body may create temporaries freely.
 */
export function unaryCustomGradient<Saved extends tf.Tensor[]>(
  body: (x: tf.Tensor, save: (tensors: Saved) => void) => UnaryGradientRule<Saved>,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const rule = body(args[0] as tf.Tensor, args[1] as tf.GradSaveFunc);
    return { value: rule.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => rule.gradFunc(dy, saved as Saved) };
  });
  return (x) => op(x);
}
