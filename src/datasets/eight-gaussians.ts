import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, type Seed } from 'latent';
import { toySeeds, type ToyDensityOptions } from './toy-options';

/**
 * `n` points from an equal mixture of eight Gaussians (sd 0.5) centred on a
 * circle of radius 4, all divided by 1.414: FFJORD's "8gaussians". Seeded.
 *
 * @returns float32 `[n, 2]`, owned by the caller.
 *
 * @example
 * ```ts
 * const x = eightGaussians(1000, { seed: 1 }); // [1000, 2]
 * ```
 */
export function eightGaussians(n: number, options: ToyDensityOptions = {}): tf.Tensor2D {
  const [componentSeed, noiseSeed] = toySeeds('eightGaussians', n, options, 2) as [Seed, Seed];
  const r = Math.SQRT1_2;
  const centres = [[1, 0], [-1, 0], [0, 1], [0, -1], [r, r], [r, -r], [-r, r], [-r, -r]].map(([a, b]) => [4 * (a as number), 4 * (b as number)]);
  return tf.tidy(() => {
    const component = tf.cast(tf.floor(tf.mul(randomUniform([n], { seed: componentSeed }), 8)), 'int32');
    const points = tf.add(tf.gather(tf.tensor2d(centres), component), randomNormal([n, 2], { seed: noiseSeed, stddev: 0.5 }));
    return tf.div(points, 1.414);
  }) as tf.Tensor2D;
}
