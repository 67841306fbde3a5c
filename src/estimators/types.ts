import type * as tf from '@tensorflow/tfjs-core';

/**
 * A log-density of latent values with a leading sample axis: `z` has shape
 * `[S, ...batchShape, ...eventShape]` (batchShape: one entry per data point),
 * the result `[S, ...batchShape]`. E.g. `z => tf.add(prior.logProb(z), likelihood(z).logProb(x))`.
 */
export type LogDensity = (z: tf.Tensor) => tf.Tensor;
