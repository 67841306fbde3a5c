import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { checkTensor } from './check-tensor';

/**
 * Diagonal matrices from their diagonals: `[..., d]` → `[..., d, d]`
 * (TensorFlow's `matrix_diag`). Differentiable on every backend.
 *
 * @param diagonal - a tensor of rank 1 or more; its last axis becomes the diagonal.
 *
 * @example
 * ```ts
 * matrixDiag(tf.tensor([1, 2])).print(); // [[1, 0], [0, 2]]
 * ```
 */
export function matrixDiag(diagonal: tf.Tensor): tf.Tensor {
  checkTensor('matrixDiag', 'diagonal', diagonal);
  if (diagonal.rank < 1) throw new ShapeError('matrixDiag', 'diagonal must have rank 1 or more (got a scalar)');
  const d = diagonal.shape[diagonal.rank - 1] ?? 0;
  return tf.tidy(() => tf.mul(tf.expandDims(diagonal, -1), tf.eye(d)));
}
