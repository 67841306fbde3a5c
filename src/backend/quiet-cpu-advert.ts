import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs's cpu backend prints an advert for tfjs-node ("Hi, looks like you are
 * running TensorFlow.js in Node.js…") on its first tensor. latent uses cpu or
 * wasm on purpose, so it marks the advert as shown on an instance that exists
 * already — without creating one or changing any tfjs flag.
 */
export function quietCpuAdvert(): void {
  const cpu = (tf.engine().registry as Record<string, { firstUse?: boolean } | undefined>).cpu;
  if (cpu?.firstUse === true) cpu.firstUse = false;
}
