import type * as tf from '@tensorflow/tfjs-core';
import type { BijectorResult } from './bijector';

/**
 * A family of elementwise monotone maps, one per coordinate, chosen by
 * parameters that a conditioner computes: the part that coupling and
 * autoregressive bijectors share. `params` has shape `[..., D, paramsPerDim]`
 * for values `[..., D]`; the log-det is elementwise (`[..., D]`).
 */
export interface ElementwiseTransform {
  /** Parameters per coordinate. */
  readonly paramsPerDim: number;
  /** y = τ(x; params) and log |τ′(x)|. */
  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult;
  /** x = τ⁻¹(y; params) and log |(τ⁻¹)′(y)|. */
  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult;
}
