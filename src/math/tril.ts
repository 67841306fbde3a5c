import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { ShapeError } from '../errors';

/**
 * The lower triangles (diagonal included) of a batch of matrices, zeros above
 * (numpy's `tril`). The gradient is zero for the entries above the diagonal,
 * so a parameter passed through `tril` stays lower-triangular under gradient
 * steps; non-finite entries above the diagonal do not leak into the result.
 *
 * @param x - a tensor of rank 2 or more, `[..., m, n]`.
 *
 * @example
 * ```ts
 * tril(tf.tensor([[1, 2], [3, 4]])).print(); // [[1, 0], [3, 4]]
 * ```
 */
export function tril(x: tf.Tensor): tf.Tensor {
  checkTensor('tril', 'x', x);
  if (x.rank < 2) throw new ShapeError('tril', `x must have rank 2 or more (got shape [${x.shape.join(',')}])`);
  const m = x.shape[x.rank - 2] ?? 0;
  const n = x.shape[x.rank - 1] ?? 0;
  return tf.tidy(() => {
    const mask = Array.from({ length: m * n }, (_, k) => Math.floor(k / n) >= k % n);
    return tf.where(tf.tensor2d(mask, [m, n], 'bool'), x, tf.zerosLike(x));
  });
}
