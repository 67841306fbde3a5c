import * as tf from '@tensorflow/tfjs-core';

/**
 * w · v, but exactly 0 where w = 0 (also when v is infinite or NaN), with a
 * finite gradient there: v is replaced before the product, not after it.
 * The weighted log-terms of entropies and KL divergences need it.
 */
export function timesUnlessZero(w: tf.Tensor, v: tf.Tensor): tf.Tensor {
  return tf.mul(w, tf.where(tf.greater(w, 0), v, tf.zerosLike(v)));
}
