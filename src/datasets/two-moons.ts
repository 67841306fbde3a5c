import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, type Seed } from 'latent';
import { toySeeds, type ToyDensityOptions } from './toy-options';

/**
 * `n` points from two interleaving half-circles with Gaussian noise (sd 0.1),
 * scaled as in FFJORD's toy data (×2, shifted by (−1, −0.2)): scikit-learn's
 * `make_moons` with the half-circle angle drawn uniformly. Seeded.
 *
 * @returns float32 `[n, 2]`, owned by the caller.
 *
 * @example
 * ```ts
 * const x = twoMoons(1000, { seed: 1 }); // [1000, 2]
 * ```
 */
export function twoMoons(n: number, options: ToyDensityOptions = {}): tf.Tensor2D {
  const [angleSeed, moonSeed, noiseSeed] = toySeeds('twoMoons', n, options, 3) as [Seed, Seed, Seed];
  return tf.tidy(() => {
    const t = randomUniform([n, 1], { seed: angleSeed, high: Math.PI });
    const inner = tf.cast(tf.less(randomUniform([n, 1], { seed: moonSeed }), 0.5), 'float32'); // 1 for the lower moon
    const sign = tf.sub(1, tf.mul(inner, 2));
    const x = tf.add(tf.mul(sign, tf.cos(t)), inner);
    const y = tf.add(tf.mul(sign, tf.sin(t)), tf.mul(inner, 0.5)); // upper: sin t; lower: 1 − sin t − 0.5
    const points = tf.add(tf.concat([x, y], 1), randomNormal([n, 2], { seed: noiseSeed, stddev: 0.1 }));
    return tf.add(tf.mul(points, 2), tf.tensor1d([-1, -0.2]));
  }) as tf.Tensor2D;
}
