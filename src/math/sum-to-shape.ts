import * as tf from '@tensorflow/tfjs-core';
import { sum } from './sum';

/**
 * The gradient `g` of a broadcast result summed back to an input's `shape`
 * (what tfjs does for its own broadcasting ops), for custom gradients.
 */
export function sumToShape(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes([...shape], g.shape);
  const reduced = axes.length > 0 ? sum(g, axes) : g;
  return reduced.rank === shape.length && reduced.shape.every((d, i) => d === shape[i]) ? reduced : tf.reshape(reduced, [...shape]);
}
