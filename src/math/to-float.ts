import * as tf from '@tensorflow/tfjs-core';

/**
 * `x` as float32. Booleans go through `tf.where`, not `tf.cast`: on
 * tfjs-backend-webgpu 4.22 a cast of bool to float32 keeps an integer buffer,
 * a rank-3 transpose of it fails to compile, and the broken program is then
 * reused for float tensors of that shape, which silently read zeros.
 */
export function toFloat(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32') return x;
  if (x.dtype === 'bool') return tf.tidy(() => tf.where(x, tf.ones(x.shape), tf.zeros(x.shape)));
  return tf.cast(x, 'float32');
}
