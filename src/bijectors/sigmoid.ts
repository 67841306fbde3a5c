import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../math/log1p';
import { softplus } from '../math/log1p-exp';
import { Bijector, type BijectorResult } from './bijector';

/**
 * y = 1 / (1 + exp(−x)), elementwise, from the real line onto (0, 1); log-det
 * log σ(x) + log σ(−x). The inverse is the logit log y − log(1 − y).
 *
 * @example
 * ```ts
 * new Sigmoid().forward(tf.tensor1d([0])).print(); // [0.5]
 * ```
 */
export class Sigmoid extends Bijector {
  constructor() {
    super('Sigmoid', 0);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: tf.sigmoid(x), logDet: tf.neg(tf.add(softplus(x), softplus(tf.neg(x)))) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    const logY = tf.log(y);
    const log1mY = log1p(tf.neg(y));
    return { value: tf.sub(logY, log1mY), logDet: tf.neg(tf.add(logY, log1mY)) };
  }
}
