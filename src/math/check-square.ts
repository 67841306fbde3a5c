import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';

/** Throws unless `x` is a batch of square matrices `[..., d, d]`; returns `d`. */
export function checkSquare(where: string, argument: string, x: tf.Tensor): number {
  const d = x.shape[x.rank - 1] ?? 0;
  if (x.rank < 2 || x.shape[x.rank - 2] !== d) {
    throw new ShapeError(where, `${argument} must be a batch of square matrices [..., d, d] (got shape [${x.shape.join(',')}])`);
  }
  return d;
}
