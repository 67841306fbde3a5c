import * as tf from '@tensorflow/tfjs-core';
import { checkSquare } from './check-square';
import { checkTensor } from './check-tensor';

/**
 * The diagonals of a batch of square matrices: `[..., d, d]` → `[..., d]`
 * (TensorFlow's `matrix_diag_part`). Exact, whatever the off-diagonal
 * entries hold, and differentiable on every backend (reshapes, a pad and a
 * slice: no gather, whose gradient wasm lacks).
 *
 * @param x - a batch of square matrices.
 *
 * @example
 * ```ts
 * const logDet = tf.mul(tf.sum(tf.log(matrixDiagPart(scaleTril)), -1), 2); // log det L Lᵀ
 * ```
 */
export function matrixDiagPart(x: tf.Tensor): tf.Tensor {
  checkTensor('matrixDiagPart', 'x', x);
  const d = checkSquare('matrixDiagPart', 'x', x);
  const batch = x.shape.slice(0, -2);
  return tf.tidy(() => {
    // Row-major, the diagonal is every (d+1)-th entry: pad d² entries to d(d+1), view as
    // [d, d+1], and the diagonal is the first column.
    const flat = tf.reshape(x, [...batch, d * d]);
    const padded = tf.pad(flat, [...batch.map((): [number, number] => [0, 0]), [0, d]]);
    const rows = tf.reshape(padded, [...batch, d, d + 1]);
    return tf.reshape(tf.slice(rows, [...batch.map(() => 0), 0, 0], [...batch.map(() => -1), d, 1]), [...batch, d]);
  });
}
