import * as tf from '@tensorflow/tfjs-core';

/** Below this, the gamma-family functions move x up to x + 7 by their recurrence: their asymptotic series are exact in float32 from 7 on. */
export const SHIFT = 7;

/**
 * `z` = x + 7 where x < 7 (`small`), x elsewhere, and Σ_{k<7} term(x + k):
 * the sum the recurrence adds or subtracts where `small` (e.g. Σ log(x + k)
 * for log Γ, Σ 1/(x + k) for ψ).
 */
export function shiftUp(x: tf.Tensor, term: (t: tf.Tensor) => tf.Tensor): { small: tf.Tensor; z: tf.Tensor; shiftSum: tf.Tensor } {
  const small = tf.less(x, SHIFT);
  const z = tf.where(small, tf.add(x, SHIFT), x);
  let shiftSum = tf.zerosLike(x);
  for (let k = 0; k < SHIFT; k++) shiftSum = tf.add(shiftSum, term(tf.add(x, k)));
  return { small, z, shiftSum };
}
