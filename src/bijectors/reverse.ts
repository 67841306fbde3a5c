import * as tf from '@tensorflow/tfjs-core';
import { Bijector, type BijectorResult } from './bijector';

/**
 * Reverses the last axis (log-det 0): its own inverse. The builders put one
 * between coupling or autoregressive layers.
 *
 * @example
 * ```ts
 * new Reverse().forward(tf.tensor1d([1, 2, 3])).print(); // [3, 2, 1]
 * ```
 */
export class Reverse extends Bijector {
  constructor() {
    super('Reverse', 1);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: tf.reverse(x, -1), logDet: tf.zeros(x.shape.slice(0, -1)) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    return this.transformForward(y);
  }
}
