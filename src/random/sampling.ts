import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { checkAllocation } from '../math/check-allocation';
import { checkBackend } from '../math/to-tensor';
import { deriveSeed, randomSeed, type Seed } from './seed';

/** Options of {@link randomNormal}. */
export interface RandomNormalOptions {
  /** Reproduces the draw exactly, on every backend; random when omitted. */
  seed?: Seed;
  /** Mean of the draws (default 0). */
  mean?: number;
  /** Standard deviation of the draws (default 1). */
  stddev?: number;
}

/** Options of {@link randomUniform}. */
export interface RandomUniformOptions {
  /** Reproduces the draw exactly, on every backend; random when omitted. */
  seed?: Seed;
  /** Lower bound, included (default 0). */
  low?: number;
  /** Upper bound, excluded (default 1); must exceed `low`. */
  high?: number;
}

/**
 * Standard normal draws (float32). The numbers are generated in JavaScript
 * from the seed and then uploaded, so the same seed gives bit-identical
 * tensors on cpu, wasm, webgl and webgpu.
 *
 * @param shape - the output shape.
 *
 * @example
 * ```ts
 * const eps = randomNormal([1000, 2], { seed: 7 });
 * ```
 */
export function randomNormal(shape: readonly number[], options: RandomNormalOptions = {}): tf.Tensor {
  const { mean = 0, stddev = 1 } = options;
  checkShape('randomNormal', shape);
  if (!(stddev >= 0)) throw new ValidationError('randomNormal', 'stddev', 'be non-negative', stddev);
  return tf.randomNormal([...shape], mean, stddev, 'float32', tfjsSeed(options.seed));
}

/**
 * Uniform draws on [low, high) (float32), bit-identical on every backend for a
 * given seed.
 *
 * @param shape - the output shape.
 *
 * @example
 * ```ts
 * const u = randomUniform([5], { seed: 1, low: -1, high: 1 });
 * ```
 */
export function randomUniform(shape: readonly number[], options: RandomUniformOptions = {}): tf.Tensor {
  const { low = 0, high = 1 } = options;
  checkShape('randomUniform', shape);
  if (!(high > low)) throw new ValidationError('randomUniform', 'high', `be greater than low (${low})`, high);
  return tf.randomUniform([...shape], low, high, 'float32', tfjsSeed(options.seed));
}

/** tfjs seeds its generator with `seed.toString()` and treats 0 as "no seed": always pass a derived, non-zero one. */
function tfjsSeed(seed: Seed | undefined): number {
  return deriveSeed(seed ?? randomSeed(), 0);
}

function checkShape(where: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValidationError(where, 'shape', 'be an array of non-negative integers', shape);
  }
  checkAllocation(where, 'shape', shape);
  checkBackend(where);
}
