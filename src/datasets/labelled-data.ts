import type * as tf from '@tensorflow/tfjs-core';

/** A bundled data set as tensors the caller owns (`tf.dispose([data.x, data.labels])`). */
export interface LabelledData {
  /** The points, one row each, float32 `[N, D]`. */
  x: tf.Tensor2D;
  /** The class of each row, int32 `[N]`. */
  labels: tf.Tensor1D;
  /** The name of each class index. */
  classNames: readonly string[];
}
