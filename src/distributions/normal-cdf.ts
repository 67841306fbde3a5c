import * as tf from '@tensorflow/tfjs-core';

/** Φ(deviation / scale) = ½ (1 + erf(deviation / (scale √2))): the normal cdf shared by Normal, LogNormal and StudentT. */
export function normalCdf(deviation: tf.Tensor, scale: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const spread = typeof scale === 'number' ? scale * Math.SQRT2 : tf.mul(scale, Math.SQRT2);
    return tf.mul(tf.add(tf.erf(tf.div(deviation, spread)), 1), 0.5);
  });
}
