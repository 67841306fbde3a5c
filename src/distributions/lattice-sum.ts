import * as tf from '@tensorflow/tfjs-core';

const HALF_WIDTH = 256;

/**
 * Σ_k p(k) f(k, log p(k)) for a distribution on the integers, from its
 * log-mass, its mode and its standard deviation (tensors of the batch
 * shape), on the device: over the 513 integers around the mode, one apart
 * while they span ±12 standard deviations, else s apart and weighted by s —
 * for a mass that smooth (s ≤ sd / 10) the spaced sum differs from the full
 * one by far less than float32 rounding (Euler–Maclaurin), and it reaches any
 * batch element's support without reading parameters back to the host.
 * Terms where p(k) = 0 count 0. The entropy is f = −log p.
 */
export function latticeSum(
  logMass: (k: tf.Tensor) => tf.Tensor,
  mode: tf.Tensor,
  sd: tf.Tensor,
  f: (k: tf.Tensor, logP: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const offsets = tf.reshape(tf.range(-HALF_WIDTH, HALF_WIDTH + 1), [2 * HALF_WIDTH + 1, ...mode.shape.map(() => 1)]);
    const step = tf.maximum(tf.ceil(tf.div(tf.mul(sd, 12), HALF_WIDTH)), 1);
    const k = tf.add(tf.floor(mode), tf.mul(offsets, step));
    const logP = logMass(k);
    const possible = tf.isFinite(logP);
    const values = f(k, tf.where(possible, logP, tf.zerosLike(logP)));
    const terms = tf.where(possible, tf.mul(tf.exp(logP), values), tf.zerosLike(logP));
    return tf.mul(tf.sum(terms, 0), step);
  });
}
