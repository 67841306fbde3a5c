import * as tf from '@tensorflow/tfjs-core';
import { randomUniform, type Seed } from 'latent';
import { toySeeds, type ToyDensityOptions } from './toy-options';

/**
 * `n` points uniform on the black squares of a 4×4 checkerboard spanning
 * [−4, 4]² (8 squares of side 2): FFJORD's "checkerboard". Its entropy is
 * ln 32 ≈ 3.466 nats, the best test log-loss a density model can reach. Seeded.
 *
 * @returns float32 `[n, 2]`, owned by the caller.
 *
 * @example
 * ```ts
 * const x = checkerboard(1000, { seed: 1 }); // [1000, 2]
 * ```
 */
export function checkerboard(n: number, options: ToyDensityOptions = {}): tf.Tensor2D {
  const [xSeed, ySeed, rowSeed] = toySeeds('checkerboard', n, options, 3) as [Seed, Seed, Seed];
  return tf.tidy(() => {
    const x1 = tf.sub(tf.mul(randomUniform([n, 1], { seed: xSeed }), 4), 2);
    const lower = tf.mul(tf.floor(tf.mul(randomUniform([n, 1], { seed: rowSeed }), 2)), 2); // 0 or 2
    const parity = tf.sub(tf.floor(x1), tf.mul(tf.floor(tf.div(tf.floor(x1), 2)), 2)); // floor(x1) mod 2, in {0, 1}
    const x2 = tf.add(tf.sub(randomUniform([n, 1], { seed: ySeed }), lower), parity);
    return tf.mul(tf.concat([x1, x2], 1), 2);
  }) as tf.Tensor2D;
}
