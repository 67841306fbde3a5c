import * as tf from '@tensorflow/tfjs-core';
import { Bijector, type BijectorResult } from './bijector';

/**
 * y = exp(x), elementwise, from the real line onto (0, ∞); log-det x. `Exp` of a
 * Normal is a LogNormal.
 *
 * @example
 * ```ts
 * const logNormal = new TransformedDistribution(new Normal({ loc: 0, scale: 1 }), new Exp());
 * ```
 */
export class Exp extends Bijector {
  constructor() {
    super('Exp', 0);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: tf.exp(x), logDet: tf.clone(x) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const value = tf.log(y);
    return { value, logDet: tf.neg(value) };
  }
}
