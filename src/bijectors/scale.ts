import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '../math/to-tensor';
import { Bijector, bijectorParameter, type BijectorResult } from './bijector';

/**
 * y = x · scale, elementwise (log-det log |scale|). A `tf.Variable` scale is
 * trainable; numbers and arrays become a tensor the bijector owns.
 *
 * @example
 * ```ts
 * const { value, logDet } = new Scale(2).forwardAndLogDet(tf.tensor1d([1, 3]));
 * // value [2, 6], logDet [log 2, log 2]
 * ```
 */
export class Scale extends Bijector {
  /** The scale, non-zero; broadcasts with the input. */
  readonly scale: tf.Tensor;
  private readonly owned: boolean;

  constructor(scale: TensorInput) {
    super('Scale', 0);
    const { tensor, owned } = bijectorParameter('Scale', 'scale', scale, 'be finite and non-zero', (v) => Number.isFinite(v) && v !== 0);
    this.scale = tensor;
    this.owned = owned;
  }

  override get variables(): readonly tf.Variable[] {
    return this.scale instanceof tf.Variable ? [this.scale] : [];
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    const value = tf.mul(x, this.scale);
    return { value, logDet: tf.broadcastTo(tf.log(tf.abs(this.scale)), value.shape) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const value = tf.div(y, this.scale);
    return { value, logDet: tf.broadcastTo(tf.neg(tf.log(tf.abs(this.scale))), value.shape) };
  }

  override dispose(): void {
    if (this.owned) this.scale.dispose();
    super.dispose();
  }
}
