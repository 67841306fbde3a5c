import type * as tf from '@tensorflow/tfjs-core';
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

/** Throws a ShapeError unless a user density returned `[numSamples, ...batchShape]`. */
export function checkDensityShape(where: string, option: string, result: tf.Tensor, want: readonly number[]): void {
  if (result.rank !== want.length || result.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(where, `${option} returned shape [${result.shape.join(',')}]; expected [${want.join(',')}] (samples ++ batchShape)`);
  }
}

/** Throws a ShapeError unless two batch shapes are equal. */
export function checkSameBatch(where: string, a: string, aShape: readonly number[], b: string, bShape: readonly number[]): void {
  if (aShape.length !== bShape.length || aShape.some((d, i) => d !== bShape[i])) {
    throw new ShapeError(where, `${a}.batchShape [${aShape.join(',')}] must equal ${b}.batchShape [${bShape.join(',')}]`);
  }
}
