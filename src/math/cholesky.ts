import * as tf from '@tensorflow/tfjs-core';
import { checkSquare } from './check-square';
import { checkTensor } from './check-tensor';

/**
 * The Cholesky factor of a batch of symmetric positive-definite matrices:
 * the lower-triangular `L` with a positive diagonal and `L Lᵀ = A`. Only the
 * lower triangle of `A` is read (as numpy's and LAPACK's `cholesky` do), and
 * the result is zero above the diagonal. Differentiable on every backend.
 *
 * Column by column (Cholesky–Crout): column `j` of `L` is
 * `(A_{≥j,j} − L_{≥j,<j} L_{j,<j}ᵀ) / L_jj` from the diagonal down, with
 * `L_jj = √(A_jj − ‖L_{j,<j}‖²)`. That is `d` steps of a few ops each, meant
 * for the matrices of multivariate normals (d up to about 64). A matrix that
 * is not positive definite in float32 gives NaN from the first failing
 * column on; nothing is read back to check it.
 *
 * @param matrix - `A`, shape `[..., d, d]`.
 * @returns `L`, shape `[..., d, d]`.
 *
 * @example
 * ```ts
 * const scaleTril = cholesky(tf.tensor([[4, 2], [2, 5]])); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(matrix: tf.Tensor): tf.Tensor {
  checkTensor('cholesky', 'matrix', matrix);
  const d = checkSquare('cholesky', 'matrix', matrix);
  const batch = matrix.shape.slice(0, -2);
  const at = (row: number, col: number) => [...batch.map(() => 0), row, col];
  const all = (rows: number, cols: number) => [...batch.map(() => -1), rows, cols];
  return tf.tidy(() => {
    let columns: tf.Tensor | undefined;
    for (let j = 0; j < d; j++) {
      // Rows j.. of column j: only the lower triangle of A is read.
      let v = tf.slice(matrix, at(j, j), all(d - j, 1));
      if (columns !== undefined) {
        const below = tf.slice(columns, at(j, 0), all(d - j, j));
        const rowJ = tf.slice(columns, at(j, 0), all(1, j));
        v = tf.sub(v, tf.sum(tf.mul(below, rowJ), -1, true));
      }
      const pivot = tf.sqrt(tf.slice(v, at(0, 0), all(1, 1)));
      const column = tf.pad(tf.div(v, pivot), [...batch.map((): [number, number] => [0, 0]), [j, 0], [0, 0]]);
      columns = columns === undefined ? column : tf.concat([columns, column], -1);
    }
    return columns ?? tf.zeros(matrix.shape);
  });
}
