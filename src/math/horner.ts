import * as tf from '@tensorflow/tfjs-core';

/** Σ c_i x^i by Horner's rule; `coefficients[i]` multiplies x^i. */
export function horner(x: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1] ?? 0);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, x), coefficients[i] ?? 0);
  return acc;
}
