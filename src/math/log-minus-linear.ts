import * as tf from '@tensorflow/tfjs-core';
import { horner } from './horner';

// log(1 + d) − d = −d²/2 + d³/3 − …, summed to d¹⁰ for |d| < 0.1 (where the difference cancels).
const SERIES = [0, 0, -1 / 2, 1 / 3, -1 / 4, 1 / 5, -1 / 6, 1 / 7, -1 / 8, 1 / 9, -1 / 10];

/**
 * log u − (u − 1) for u ≥ 0 (−∞ at 0), accurate to float32 rounding of the
 * result also near u = 1, where the terms cancel: the series in d = u − 1
 * there (GPU logs near 1 err by 2^−21 absolute, which a Gamma shape of 1e4
 * would multiply), the logarithm elsewhere. The Gamma log-density and the
 * incomplete gamma prefactor need it for large shapes.
 */
export function logMinusLinear(u: tf.Tensor): tf.Tensor {
  const d = tf.sub(u, 1);
  const small = tf.less(tf.abs(d), 0.1);
  return tf.where(small, horner(d, SERIES), tf.sub(tf.log(u), d));
}
