import * as tf from '@tensorflow/tfjs-core';
import { toFloat } from '../math/to-float';

/**
 * One-hot float32 rows [N, K] of labels [N] (int32 or float32 integers), by
 * comparison with 0..K−1 (tf.oneHot with a float32 output gives wrong values
 * on wasm) and `toFloat` (a bool-to-float cast misbehaves on webgpu).
 *
 * @example
 * ```ts
 * oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3).print(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHotFloat(labels: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => toFloat(tf.equal(tf.reshape(labels, [-1, 1]), tf.reshape(tf.range(0, k, 1, labels.dtype === 'int32' ? 'int32' : 'float32'), [1, k]))));
}
