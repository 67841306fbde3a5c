import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { canReadSync } from './can-read-sync';
import { checkTensor } from './check-tensor';
import { toFloat } from './to-float';
import { unaryCustomGradient } from './custom-gradient';
import { normalizeAxes } from './axes';

/**
 * `tf.gather` whose gradient works on every backend. tfjs's gradient of
 * gather needs the `UnsortedSegmentSum` kernel, which wasm lacks; where it is
 * missing, the gradient is computed as a one-hot matrix product instead.
 *
 * @param x - the tensor to take slices from.
 * @param indices - int32 indices into `axis`, of any shape.
 * @param axis - the axis to index (negative counts from the end).
 * @returns shape `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`.
 *
 * @example
 * ```ts
 * gather(tf.tensor([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([2, 0], 'int32')).print(); // [[5, 6], [1, 2]]
 * ```
 */
export function gather(x: tf.Tensor, indices: tf.Tensor, axis = 0): tf.Tensor {
  checkTensor('gather', 'x', x);
  checkTensor('gather', 'indices', indices, 'int32');
  const [ax] = normalizeAxes('gather', axis, x.rank) as [number];
  checkIndices(indices, x.shape[ax] as number);
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined) return tf.gather(x, indices, ax);
  const op = unaryCustomGradient<[tf.Tensor]>((input, save) => {
    save([indices]);
    return {
      value: tf.gather(input, indices, ax),
      gradFunc: (dy, [idx]) => scatterAddAlong(dy, idx, input.shape, ax),
    };
  });
  return op(x);
}

/** The adjoint of gather: adds each slice of `dy` into row `indices[m]` of a zero tensor of `shape`. */
function scatterAddAlong(dy: tf.Tensor, indices: tf.Tensor, shape: number[], axis: number): tf.Tensor {
  const pre = shape.slice(0, axis).reduce((n, d) => n * d, 1);
  const post = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
  const rows = shape[axis] ?? 1;
  const count = indices.size;
  // [pre, count, post] -> [count, pre * post]
  const slices = tf.reshape(tf.transpose(tf.reshape(dy, [pre, count, post]), [1, 0, 2]), [count, pre * post]);
  // A one-hot selector by comparison (wasm's oneHot rejects a depth of 1 and ignores its dtype).
  const hits = tf.equal(tf.reshape(indices, [1, count]), tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]));
  const selector = toFloat(hits); // [rows, count]
  const summed = tf.matMul(selector, slices); // [rows, pre * post]
  return tf.reshape(tf.transpose(tf.reshape(summed, [rows, pre, post]), [1, 0, 2]), shape);
}

/** Indices must lie in [0, size): cpu would throw a tfjs message, wasm read out of bounds. Read back where the backend can. */
function checkIndices(indices: tf.Tensor, size: number): void {
  if (!canReadSync()) return;
  const values = indices.dataSync();
  const bad = values.findIndex((i) => i < 0 || i >= size);
  if (bad >= 0) throw new ValidationError('gather', 'indices', `be in [0, ${size - 1}], the axis' range`, undefined, `${values[bad]} at index ${bad}`);
}
