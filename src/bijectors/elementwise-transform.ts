import * as tf from '@tensorflow/tfjs-core';
import type { BijectorResult } from './bijector';

/**
 * A family of elementwise monotone maps, one per coordinate, chosen by
 * parameters that a conditioner computes: the part that coupling and
 * autoregressive bijectors share. `params` has shape `[..., D, paramsPerDim]`
 * for values `[..., D]`; the log-det is elementwise (`[..., D]`).
 *
 * @example
 * ```ts
 * // y = x + t, one parameter per coordinate
 * const shift: ElementwiseTransform = {
 *   paramsPerDim: 1,
 *   forward: (x, p) => ({ value: tf.add(x, tf.squeeze(p, [-1])), logDet: tf.zerosLike(x) }),
 *   inverse: (y, p) => ({ value: tf.sub(y, tf.squeeze(p, [-1])), logDet: tf.zerosLike(y) }),
 * };
 * ```
 */
export interface ElementwiseTransform {
  /** Parameters per coordinate. */
  readonly paramsPerDim: number;
  /** y = τ(x; params) and log |τ′(x)|. */
  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult;
  /** x = τ⁻¹(y; params) and log |(τ⁻¹)′(y)|. */
  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult;
}

/**
 * Runs `op`, an operation that returns value and log-det stacked on a last
 * axis (one recorded operation with a hand-written gradient), and returns
 * them apart; the stacked tensor is freed.
 */
export function unstackResult(op: () => tf.Tensor): BijectorResult {
  return tf.tidy(() => {
    const packed = op();
    const [value, logDet] = tf.unstack(packed, packed.rank - 1) as [tf.Tensor, tf.Tensor];
    return { value, logDet };
  });
}
