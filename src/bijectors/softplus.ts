import * as tf from '@tensorflow/tfjs-core';
import { log1mExp } from '../math/log1m-exp';
import { softplus } from '../math/log1p-exp';
import { Bijector, type BijectorResult } from './bijector';

/**
 * y = log(1 + exp(x)), elementwise, from the real line onto (0, ∞); log-det
 * log σ(x) = −softplus(−x). The inverse x = y + log(1 − exp(−y)) stays
 * accurate for tiny and huge y.
 *
 * @example
 * ```ts
 * new Softplus().inverse(tf.tensor1d([1e-6, 50])).print(); // [-13.8155, 50]
 * ```
 */
export class Softplus extends Bijector {
  constructor() {
    super('Softplus', 0);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: softplus(x), logDet: tf.neg(softplus(tf.neg(x))) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const value = tf.add(y, log1mExp(tf.neg(y)));
    return { value, logDet: softplus(tf.neg(value)) };
  }
}
