import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { checkTensor } from './check-tensor';

/**
 * Swaps the last two axes of a batch of matrices: `[..., m, n]` → `[..., n, m]`.
 * Prefer `tf.matMul(a, matrixTranspose(b))` to `tf.matMul(a, b, false, true)`:
 * matMul's transpose flags are about ten times slower on wasm.
 *
 * @param x - a tensor of rank 2 or more.
 *
 * @example
 * ```ts
 * const covariance = tf.matMul(scaleTril, matrixTranspose(scaleTril)); // L Lᵀ
 * ```
 */
export function matrixTranspose(x: tf.Tensor): tf.Tensor {
  checkTensor('matrixTranspose', 'x', x);
  if (x.rank < 2) throw new ShapeError('matrixTranspose', `x must have rank 2 or more (got shape [${x.shape.join(',')}])`);
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 2] = x.rank - 1;
  perm[x.rank - 1] = x.rank - 2;
  return tf.transpose(x, perm);
}
