import * as tf from '@tensorflow/tfjs-core';

/**
 * One-hot float32 rows [N, K] of int32 labels [N], by comparison with
 * 0..K−1 (tf.oneHot with a float32 output gives wrong values on wasm).
 *
 * @example
 * ```ts
 * oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3).print(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHotFloat(labels: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.equal(tf.reshape(labels, [-1, 1]), tf.reshape(tf.range(0, k, 1, 'int32'), [1, k])), 'float32'));
}
