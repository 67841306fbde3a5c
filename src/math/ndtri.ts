import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './check-tensor';
import { horner } from './horner';
import { logWithExactZero } from './log-zero';

// Wichura (1988), Algorithm AS 241, PPND7: the normal quantile to about 7
// significant digits, made for single precision. Ascending powers for `horner`.
const CENTRAL_NUM = [3.3871327179, 50.434271938, 159.29113202, 59.10937472];
const CENTRAL_DEN = [1, 17.895169469, 78.757757664, 67.1875636];
const NEAR_NUM = [1.4234372777, 2.75681539, 1.3067284816, 0.17023821103];
const NEAR_DEN = [1, 0.7370016425, 0.12021132975];
const FAR_NUM = [6.657905115, 3.081226386, 0.42868294337, 0.017337203997];
const FAR_DEN = [1, 0.24197894225, 0.012258202635];

/**
 * The standard normal quantile function Φ⁻¹(p), to float32 accuracy from
 * p = 1e-38 to 1 − 6e-8; −Infinity at 0 and +Infinity at 1.
 *
 * @example
 * ```ts
 * ndtri(tf.tensor([0.025, 0.5, 1e-30])).print(); // [-1.96, 0, -11.464]
 * ```
 */
export function ndtri(p: tf.Tensor): tf.Tensor {
  checkTensor('ndtri', 'p', p, 'float32');
  return tf.tidy(() => {
    const q = tf.sub(p, 0.5);
    const r = tf.sub(0.180625, tf.square(q));
    const central = tf.div(tf.mul(q, horner(r, CENTRAL_NUM)), horner(r, CENTRAL_DEN));
    // Tails: in s = sqrt(-log(min(p, 1 - p))), the sign from q.
    const s = tf.sqrt(tf.neg(logWithExactZero(tf.minimum(p, tf.sub(1, p)))));
    const near = tf.div(horner(tf.sub(s, 1.6), NEAR_NUM), horner(tf.sub(s, 1.6), NEAR_DEN));
    const far = tf.div(horner(tf.sub(s, 5), FAR_NUM), horner(tf.sub(s, 5), FAR_DEN));
    const tail = tf.mul(tf.where(tf.lessEqual(s, 5), near, far), tf.sign(q));
    const value = tf.where(tf.lessEqual(tf.abs(q), 0.425), central, tail);
    const infinity = tf.fill(p.shape, Infinity);
    return tf.where(tf.equal(p, 0), tf.neg(infinity), tf.where(tf.equal(p, 1), infinity, value));
  });
}
