import * as tf from '@tensorflow/tfjs-core';

/**
 * log(x) that is exactly -Infinity at x = 0 on every backend. GPU shading
 * languages leave log(0) undefined: SwiftShader returns -88.03 (the log of
 * float32's smallest normal), other drivers -1e20.
 */
export function logWithExactZero(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.equal(x, 0), tf.fill(x.shape, -Infinity), tf.log(x));
}
