import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { Bijector, type BijectorResult } from './bijector';

/**
 * Reorders the last axis: y_i = x_{permutation[i]} (log-det 0). Between
 * coupling or autoregressive layers it lets every coordinate be transformed.
 *
 * @example
 * ```ts
 * new Permute([2, 0, 1]).forward(tf.tensor1d([10, 20, 30])).print(); // [30, 10, 20]
 * ```
 */
export class Permute extends Bijector {
  /** y_i = x_{permutation[i]}. */
  readonly permutation: readonly number[];
  // y = x · P with P[permutation[i], i] = 1: a product, differentiable on every backend.
  private readonly matrix: tf.Tensor2D;
  private readonly transposed: tf.Tensor2D;

  constructor(permutation: readonly number[]) {
    const d = Array.isArray(permutation) ? permutation.length : 0;
    const valid = d > 0 && [...permutation].sort((a, b) => a - b).every((v, i) => v === i);
    if (!valid) throw new ValidationError('Permute', 'permutation', 'be a permutation of 0..D−1 (each index once)', permutation);
    super('Permute', 1, { eventSize: d });
    this.permutation = [...permutation];
    const entries = Array.from({ length: d }, (_, row) => Array.from({ length: d }, (_, col) => (permutation[col] === row ? 1 : 0)));
    this.matrix = tf.tensor2d(entries, [d, d]);
    this.transposed = tf.transpose(this.matrix);
  }

  protected transformForward(x: tf.Tensor): BijectorResult {
    return { value: multiplyLast(x, this.matrix), logDet: tf.zeros(x.shape.slice(0, -1)) };
  }

  protected transformInverse(y: tf.Tensor): BijectorResult {
    return { value: multiplyLast(y, this.transposed), logDet: tf.zeros(y.shape.slice(0, -1)) };
  }

  override dispose(): void {
    tf.dispose([this.matrix, this.transposed]);
    super.dispose();
  }
}

/** x `[..., d]` times a matrix `[d, e]`: `[..., e]`. */
export function multiplyLast(x: tf.Tensor, matrix: tf.Tensor2D): tf.Tensor {
  const d = x.shape[x.rank - 1] as number;
  const product = tf.matMul(tf.reshape(x, [-1, d]), matrix);
  return tf.reshape(product, [...x.shape.slice(0, -1), matrix.shape[1]]);
}
