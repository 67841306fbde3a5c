import * as tf from '@tensorflow/tfjs-core';

// On wasm a broadcasting binary op ([N, K] with [N, 1] or [1, K]) runs element by element,
// ~5x slower than the same op on equal shapes; a matMul with ones makes the equal shape for
// a fraction of that. Other backends broadcast natively.
const spreads = () => tf.getBackend() === 'wasm';

/**
 * A column [N, 1] in a form that combines with an [N, K] tensor in a binary
 * op: on wasm the column repeated K times (a matMul with ones), elsewhere the
 * column itself (broadcast by the op).
 *
 * @example
 * ```ts
 * const shifted = tf.sub(w, spreadColumn(rowMax, k)); // [N, K]
 * ```
 */
export function spreadColumn(column: tf.Tensor, k: number): tf.Tensor {
  return spreads() ? tf.matMul(column, tf.ones([1, k])) : column;
}

/**
 * A row [1, K] in a form that combines with an [N, K] tensor in a binary
 * op: on wasm the row repeated N times (a matMul with ones), elsewhere the
 * row itself (broadcast by the op).
 *
 * @example
 * ```ts
 * const weighted = tf.add(logProb, spreadRow(logWeights, n)); // [N, K]
 * ```
 */
export function spreadRow(row: tf.Tensor, n: number): tf.Tensor {
  return spreads() ? tf.matMul(tf.ones([n, 1]), row) : row;
}

/**
 * The sums of the rows of `x` [N, K] in a form that combines with `x` in a
 * binary op: on wasm [N, K] with every row's sum repeated (one matMul with
 * ones), elsewhere [N, 1] (`tf.sum`, broadcast by the op).
 *
 * @example
 * ```ts
 * const normalised = tf.div(e, spreadRowSums(e)); // rows sum to 1
 * ```
 */
export function spreadRowSums(x: tf.Tensor): tf.Tensor {
  const k = x.shape[1] as number;
  return spreads() ? tf.matMul(x, tf.ones([k, k])) : tf.sum(x, 1, true);
}
