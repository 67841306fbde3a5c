import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';

/** Throws unless `x` is a tensor (of `dtype`, when given). */
export function checkTensor(where: string, argument: string, x: unknown, dtype?: tf.DataType): asserts x is tf.Tensor {
  if (!(x instanceof tf.Tensor)) throw new ValidationError(where, argument, 'be a tf.Tensor', x);
  if (dtype !== undefined && x.dtype !== dtype) {
    throw new ValidationError(where, argument, `be a tensor of dtype ${dtype}`, undefined, `dtype ${x.dtype}`);
  }
}
