import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { flattenNumbers, tensorOf, toTensor, type TensorInput } from '../math/to-tensor';
import { sum } from '../math/sum';
import type { Constraint } from './constraints';
import { checkConstraint } from './validation';

/**
 * The data of a static `mle(x)`: a float32 tensor whose first axis holds the
 * N ≥ 1 observations (rank at least `minRank`), checked against the support
 * (on backends that read synchronously, for tensors). Call inside `tf.tidy`.
 */
export function mleSample(where: string, x: TensorInput, support: Constraint, minRank = 1): tf.Tensor {
  let tensor: tf.Tensor;
  if (x instanceof tf.Tensor) {
    tensor = toTensor(where, 'x', x);
    checkConstraint(where, 'x', tensor, tensor.shape, support);
  } else {
    const { values, shape } = flattenNumbers(where, 'x', x);
    checkConstraint(where, 'x', values, shape, support);
    tensor = tensorOf(where, values, shape);
  }
  if (tensor.rank < minRank || tensor.shape[0] === 0) {
    const form = minRank === 1 ? '[N, ...batchShape]' : '[N, ...batchShape, D]';
    throw new ShapeError(where, `x must hold at least one observation along its first axis, shape ${form} (got [${tensor.shape.join(',')}])`);
  }
  return tensor;
}

/** The mean over the first axis (observations), with the accurate blocked sum. */
export function sampleMean(data: tf.Tensor): tf.Tensor {
  return tf.div(sum(data, 0), data.shape[0] as number);
}

/**
 * The sample mean and the observations minus it. Measured from the first
 * observation, so that constant data gives deviations of exactly 0 and large
 * offsets cancel before they are squared.
 */
export function centred(data: tf.Tensor): { mean: tf.Tensor; deviations: tf.Tensor } {
  const first = tf.slice(data, 0, 1);
  const shifted = tf.sub(data, first);
  const offset = sampleMean(shifted);
  return { mean: tf.add(tf.squeeze(first, [0]), offset), deviations: tf.sub(shifted, offset) };
}
