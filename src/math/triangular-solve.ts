import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { checkSquare } from './check-square';
import { checkTensor } from './check-tensor';
import { matrixTranspose } from './matrix-transpose';

/**
 * Solves `L X = B` for `X`, with `L` lower-triangular, by forward
 * substitution (TensorFlow's `triangular_solve` with `lower=True`): row `i` of
 * `X` is `(B_i − Σ_{j<i} L_ij X_j) / L_ii`. Only the lower triangle of `L` is
 * read. Batch dimensions broadcast. Differentiable in `L` and `B` on every
 * backend (built from slices, products, sums and concatenation; no kernel
 * that wasm or webgpu lacks).
 *
 * Cost: `d` steps of a few small ops each, so it suits the small matrices of
 * multivariate normals (d up to a few hundred); its error grows with the
 * condition number of `L`, as any solve's does.
 *
 * @param matrix - `L`, shape `[..., d, d]`, lower-triangular with a non-zero diagonal.
 * @param rhs - `B`, shape `[..., d, k]`.
 * @returns `X = L⁻¹ B`, shape `broadcast(L batch, B batch) ++ [d, k]`.
 *
 * @example
 * ```ts
 * // Mahalanobis distance ‖L⁻¹(x − μ)‖ under the covariance L Lᵀ
 * const z = triangularSolve(scaleTril, tf.expandDims(tf.sub(x, loc), -1));
 * const distance = tf.sqrt(tf.sum(tf.square(z), [-2, -1]));
 * ```
 */
export function triangularSolve(matrix: tf.Tensor, rhs: tf.Tensor): tf.Tensor {
  checkTensor('triangularSolve', 'matrix', matrix);
  checkTensor('triangularSolve', 'rhs', rhs);
  const d = checkSquare('triangularSolve', 'matrix', matrix);
  if (rhs.rank < 2 || rhs.shape[rhs.rank - 2] !== d) {
    throw new ShapeError('triangularSolve', `rhs must have shape [..., ${d}, k] to match matrix [${matrix.shape.join(',')}] (got [${rhs.shape.join(',')}])`);
  }
  const batch = broadcastBatch(matrix.shape, rhs.shape);
  const k = rhs.shape[rhs.rank - 1] ?? 0;
  return tf.tidy(() => {
    // Column i of Lᵀ above the diagonal is row i of L left of it, already as a column [..., i, 1].
    const lt = matrixTranspose(matrix);
    const mBatch = matrix.shape.slice(0, -2);
    const bBatch = rhs.shape.slice(0, -2);
    const at = (batch: number[], row: number, col: number) => [...batch.map(() => 0), row, col];
    const all = (batch: number[], rows: number, cols: number) => [...batch.map(() => -1), rows, cols];
    let solved: tf.Tensor | undefined;
    for (let i = 0; i < d; i++) {
      const pivot = tf.slice(matrix, at(mBatch, i, i), all(mBatch, 1, 1));
      let row = tf.slice(rhs, at(bBatch, i, 0), all(bBatch, 1, k));
      if (solved !== undefined) {
        const coefficients = tf.slice(lt, at(mBatch, 0, i), all(mBatch, i, 1));
        row = tf.sub(row, tf.sum(tf.mul(coefficients, solved), -2, true));
      }
      const x = tf.div(row, pivot);
      solved = solved === undefined ? x : tf.concat([solved, x], -2);
    }
    return solved ?? tf.zeros([...batch, 0, k]);
  });
}

/** The broadcast of two batch shapes, or a ShapeError naming both operands. */
function broadcastBatch(matrixShape: readonly number[], rhsShape: readonly number[]): number[] {
  const a = matrixShape.slice(0, -2);
  const b = rhsShape.slice(0, -2);
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError('triangularSolve', `batch dimensions of matrix [${matrixShape.join(',')}] and rhs [${rhsShape.join(',')}] do not broadcast`);
    }
    return da === 1 ? db : da;
  });
}
