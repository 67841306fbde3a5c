import * as tf from '@tensorflow/tfjs-core';
import { horner } from './horner';

// sin t / t = Σ (−1)^k t^{2k} / (2k + 1)!, to t^14 (error below 1e-9 for |t| ≤ π/2).
const SIN_OVER_T = [1, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800, 1 / 6227020800, -1 / 1307674368000];

/**
 * sin(π x), accurate for large |x|, relatively accurate near the integers and
 * exactly 0 at them, the same on every backend: the argument is reduced to
 * r = x − round(x) ∈ [−½, ½] (sin(π x) = (−1)ⁿ sin(π r)) and sin(π r) is a
 * Taylor polynomial. wasm's `sin` loses relative accuracy for small
 * arguments (7e-5 at 3e-3) and returns 0 below about 1e-20.
 */
export function sinPi(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = tf.round(x);
    const sign = tf.sub(1, tf.mul(2, tf.abs(tf.sub(n, tf.mul(2, tf.floor(tf.div(n, 2))))))); // (−1)^n
    const t = tf.mul(tf.sub(x, n), Math.PI);
    return tf.mul(sign, tf.mul(t, horner(tf.square(t), SIN_OVER_T)));
  });
}
