import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../math/log1p';
import { softplus } from '../math/log1p-exp';
import { Bijector, type BijectorResult } from './bijector';

/**
 * y = tanh(x), elementwise, from the real line onto (−1, 1); log-det
 * log(1 − tanh² x) = 2 (log 2 − x − softplus(−2x)), finite for large |x|.
 * The inverse is atanh y = ½ (log(1 + y) − log(1 − y)).
 *
 * @example
 * ```ts
 * // a squashed Gaussian on (−1, 1), as in soft actor-critic policies
 * const squashed = new TransformedDistribution(new Normal({ loc: 0, scale: 2 }), new Tanh());
 * ```
 */
export class Tanh extends Bijector {
  constructor() {
    super('Tanh', 0);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: tf.tanh(x), logDet: tf.mul(tf.sub(Math.LN2, tf.add(x, softplus(tf.mul(x, -2)))), 2) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const up = log1p(y);
    const down = log1p(tf.neg(y));
    return { value: tf.mul(tf.sub(up, down), 0.5), logDet: tf.neg(tf.add(up, down)) };
  }
}
