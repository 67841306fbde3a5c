import * as tf from '@tensorflow/tfjs-core';
import { logMeanExp } from '../math/log-sum-exp';
import { sum } from '../math/sum';

/**
 * The importance-weighted bound from log-weights `[groups · k, ...batch]`:
 * the mean over groups of log (1/k) Σ_i w_i. With k = 1 it is the ELBO
 * estimate (one code path for both), with k = groups·k draws one IWAE_k.
 */
export function importanceWeightedBound(logWeights: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [total, ...batch] = logWeights.shape as [number, ...number[]];
    const groups = total / k;
    const perGroup = logMeanExp(tf.reshape(logWeights, [groups, k, ...batch]), 1);
    return tf.div(sum(perGroup, 0), groups);
  });
}
