import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/distribution';
import { ShapeError, ValidationError } from '../errors';

/** Throws a ValidationError unless `value` is a Distribution (duck-typed: it has logProb and sample). */
export function checkDistribution(where: string, option: string, value: unknown): Distribution {
  const d = value as Partial<Distribution> | undefined;
  if (d === null || typeof d !== 'object' || typeof d.logProb !== 'function' || typeof d.sample !== 'function') {
    throw new ValidationError(where, option, 'be a Distribution', value, value === undefined ? 'undefined' : undefined);
  }
  return value as Distribution;
}

/** Throws a ValidationError unless `value` is a function. */
export function checkFunction(where: string, option: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new ValidationError(where, option, 'be a function', undefined, value === undefined ? 'undefined' : typeof value);
  }
}

/**
 * Throws unless a user density returned a tensor `[numSamples, ...batchShape]`;
 * with `broadcast`, its batch part may be larger, as long as `batchShape`
 * broadcasts to it (a batch-less prior scored against N data points).
 */
export function checkDensityShape(where: string, option: string, result: unknown, want: readonly number[], { broadcast = false } = {}): asserts result is tf.Tensor {
  if (!(result instanceof tf.Tensor)) throw new ValidationError(where, option, `return a tensor [${want.join(',')}] (samples ++ batchShape)`, result);
  const shape: readonly number[] = result.shape;
  const [samples, ...batch] = want;
  const fits = broadcast
    ? shape.length >= want.length && shape[0] === samples && batch.every((d, i) => d === 1 || d === shape[shape.length - batch.length + i])
    : shape.length === want.length && shape.every((d, i) => d === want[i]);
  if (!fits) {
    const expected = broadcast ? `[${samples}, ...] with batchShape [${batch.join(',')}] broadcasting to the rest` : `[${want.join(',')}] (samples ++ batchShape)`;
    throw new ShapeError(where, `${option} returned shape [${result.shape.join(',')}]; expected ${expected}`);
  }
}

/** Throws a ShapeError unless two batch shapes are equal. */
export function checkSameBatch(where: string, a: string, aShape: readonly number[], b: string, bShape: readonly number[]): void {
  if (aShape.length !== bShape.length || aShape.some((d, i) => d !== bShape[i])) {
    throw new ShapeError(where, `${a}.batchShape [${aShape.join(',')}] must equal ${b}.batchShape [${bShape.join(',')}]`);
  }
}
