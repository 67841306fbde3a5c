import * as tf from '@tensorflow/tfjs-core';
import { horner } from './horner';

// Giles (2010), "Approximating the erfinv function", single-precision coefficients
// in ascending powers: erfinv(x) = x · P(w), w = -log((1 - x)(1 + x)).
const CENTRAL = [1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087, -4.39150654e-6, -3.5233877e-6, 3.43273939e-7, 2.81022636e-8];
const TAIL = [2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773, -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257];

/**
 * erfinv(2p − 1) from a probability p: the core of the normal quantile
 * function. Taking p rather than x = 2p − 1 keeps w = −log(4p(1 − p)) exact
 * for tiny p, where 2p − 1 rounds to −1 in float32.
 */
export function erfinvOfTwoPMinusOne(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const w = tf.neg(tf.log(tf.mul(tf.mul(p, 4), tf.sub(1, p))));
    const central = horner(tf.sub(w, 2.5), CENTRAL);
    const tail = horner(tf.sub(tf.sqrt(w), 3), TAIL);
    const value = tf.mul(tf.sub(tf.mul(p, 2), 1), tf.where(tf.less(w, 5), central, tail));
    // The ends exactly (GPU log(0) is not -Infinity).
    const end = tf.fill(p.shape, Infinity);
    return tf.where(tf.equal(p, 0), tf.neg(end), tf.where(tf.equal(p, 1), end, value));
  });
}
