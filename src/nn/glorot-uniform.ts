import type * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger } from '../errors';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';

/**
 * Glorot (Xavier) uniform initial weights for a [fanIn, fanOut] kernel:
 * U(−a, a) with a = √(6 / (fanIn + fanOut)), the default of Keras and
 * tfjs-layers. Seeded, so a seed reproduces a network exactly.
 *
 * @example
 * ```ts
 * const kernel = tf.variable(glorotUniform(64, 256, { seed: 1 }));
 * ```
 */
export function glorotUniform(fanIn: number, fanOut: number, options: { seed?: Seed } = {}): tf.Tensor2D {
  checkPositiveInteger('glorotUniform', 'fanIn', fanIn);
  checkPositiveInteger('glorotUniform', 'fanOut', fanOut);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform([fanIn, fanOut], { low: -limit, high: limit, seed: options.seed }) as tf.Tensor2D;
}
