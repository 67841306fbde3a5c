import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, type Seed } from 'latent';
import { toySeeds, type ToyDensityOptions } from './toy-options';

/**
 * `n` points on four concentric circles of radii 0.75, 1.5, 2.25 and 3 (one
 * circle in four per point, the angle uniform) with Gaussian noise (sd 0.08):
 * FFJORD's "rings". Seeded.
 *
 * @returns float32 `[n, 2]`, owned by the caller.
 *
 * @example
 * ```ts
 * const x = rings(1000, { seed: 1 }); // [1000, 2]
 * ```
 */
export function rings(n: number, options: ToyDensityOptions = {}): tf.Tensor2D {
  const [ringSeed, angleSeed, noiseSeed] = toySeeds('rings', n, options, 3) as [Seed, Seed, Seed];
  return tf.tidy(() => {
    const radius = tf.mul(tf.add(tf.floor(tf.mul(randomUniform([n, 1], { seed: ringSeed }), 4)), 1), 0.75);
    const angle = randomUniform([n, 1], { seed: angleSeed, high: 2 * Math.PI });
    const points = tf.mul(tf.concat([tf.cos(angle), tf.sin(angle)], 1), radius);
    return tf.add(points, randomNormal([n, 2], { seed: noiseSeed, stddev: 0.08 }));
  }) as tf.Tensor2D;
}
