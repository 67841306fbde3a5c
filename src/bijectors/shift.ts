import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '../math/to-tensor';
import { Bijector, bijectorParameter, type BijectorResult } from './bijector';

/**
 * y = x + shift, elementwise (log-det 0). A `tf.Variable` shift is trainable
 * (listed in `variables`); numbers and arrays become a tensor the bijector owns.
 *
 * @example
 * ```ts
 * new Shift([1, -1]).forward(tf.tensor1d([0, 0])).print(); // [1, -1]
 * ```
 */
export class Shift extends Bijector {
  /** The shift; broadcasts with the input. */
  readonly shift: tf.Tensor;
  private readonly owned: boolean;

  constructor(shift: TensorInput) {
    super('Shift', 0);
    const { tensor, owned } = bijectorParameter('Shift', 'shift', shift, 'be finite', Number.isFinite);
    this.shift = tensor;
    this.owned = owned;
  }

  override get variables(): readonly tf.Variable[] {
    return this.shift instanceof tf.Variable ? [this.shift] : [];
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    const value = tf.add(x, this.shift);
    return { value, logDet: tf.zerosLike(value) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const value = tf.sub(y, this.shift);
    return { value, logDet: tf.zerosLike(value) };
  }

  override dispose(): void {
    if (this.owned) this.shift.dispose();
    super.dispose();
  }
}
