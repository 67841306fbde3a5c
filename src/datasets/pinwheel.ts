import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform, type Seed } from 'latent';
import { toySeeds, type ToyDensityOptions } from './toy-options';

/**
 * `n` points on five curved arms (radial sd 0.3, tangential sd 0.1, twist
 * rate 0.25), scaled ×2: FFJORD's "pinwheel", with each point's arm drawn
 * uniformly. Seeded.
 *
 * @returns float32 `[n, 2]`, owned by the caller.
 *
 * @example
 * ```ts
 * const x = pinwheel(1000, { seed: 1 }); // [1000, 2]
 * ```
 */
export function pinwheel(n: number, options: ToyDensityOptions = {}): tf.Tensor2D {
  const [armSeed, noiseSeed] = toySeeds('pinwheel', n, options, 2) as [Seed, Seed];
  const arms = 5;
  return tf.tidy(() => {
    const arm = tf.floor(tf.mul(randomUniform([n, 1], { seed: armSeed }), arms));
    const noise = tf.mul(randomNormal([n, 2], { seed: noiseSeed }), tf.tensor1d([0.3, 0.1]));
    const [radial, tangential] = tf.split(noise, 2, 1) as [tf.Tensor, tf.Tensor];
    const r = tf.add(radial, 1);
    const angle = tf.add(tf.mul(arm, (2 * Math.PI) / arms), tf.mul(tf.exp(r), 0.25));
    const [cos, sin] = [tf.cos(angle), tf.sin(angle)];
    // (r, t) rotated by the angle: (r cos + t sin, −r sin + t cos), as FFJORD's einsum.
    const x = tf.add(tf.mul(r, cos), tf.mul(tangential, sin));
    const y = tf.sub(tf.mul(tangential, cos), tf.mul(r, sin));
    return tf.mul(tf.concat([x, y], 1), 2);
  }) as tf.Tensor2D;
}
