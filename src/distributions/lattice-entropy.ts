import * as tf from '@tensorflow/tfjs-core';

const HALF_WIDTH = 256;

/**
 * −Σ_k p(k) log p(k) for a distribution on the integers, from its log-mass,
 * its mode and its standard deviation (tensors of the batch shape), on the
 * device: the 513 integers around the mode, one apart while they span ±12
 * standard deviations, else spaced s apart and weighted by s — for a mass
 * that smooth (s ≤ sd / 10) the spaced sum differs from the full one by far
 * less than float32 rounding (Euler–Maclaurin), and it reaches any batch
 * element's support without reading parameters back to the host.
 */
export function latticeEntropy(logMass: (k: tf.Tensor) => tf.Tensor, mode: tf.Tensor, sd: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const offsets = tf.reshape(tf.range(-HALF_WIDTH, HALF_WIDTH + 1), [2 * HALF_WIDTH + 1, ...mode.shape.map(() => 1)]);
    const step = tf.maximum(tf.ceil(tf.div(tf.mul(sd, 12), HALF_WIDTH)), 1);
    const k = tf.add(tf.floor(mode), tf.mul(offsets, step));
    const logP = logMass(k);
    const finite = tf.isFinite(logP);
    const terms = tf.where(finite, tf.mul(tf.exp(logP), tf.neg(logP)), tf.zerosLike(logP));
    return tf.mul(tf.sum(terms, 0), step);
  });
}
