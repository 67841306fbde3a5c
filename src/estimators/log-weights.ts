import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import type { Distribution } from '../distributions/distribution';
import type { Seed } from '../random/seed';
import type { LogDensity } from './types';

/** Options of {@link logImportanceWeights}. */
export interface LogWeightsOptions {
  /** Draws from q: reparameterised (`rsample`, pathwise gradients) or not (`sample`). */
  reparameterized: boolean;
  /** Evaluate log q with q's parameters held constant (`q.detach()`), as STL and DReG do. */
  detachQ?: boolean;
  seed?: Seed;
}

/**
 * Draws `numSamples` latents z ~ q and returns them with the log importance
 * weights log w = log p(x, z) − log q(z), shape `[numSamples, ...q.batchShape]`.
 * Call inside `tf.tidy`.
 */
export function logImportanceWeights(
  where: string,
  logJoint: LogDensity,
  q: Distribution,
  numSamples: number,
  options: LogWeightsOptions,
): { z: tf.Tensor; logWeights: tf.Tensor } {
  let z: tf.Tensor;
  let logQ: tf.Tensor;
  if (options.reparameterized && !options.detachQ) {
    ({ sample: z, logProb: logQ } = q.sampleAndLogProb(numSamples, { seed: options.seed }));
  } else {
    z = options.reparameterized ? q.rsample(numSamples, { seed: options.seed }) : q.sample(numSamples, { seed: options.seed });
    logQ = (options.detachQ ? q.detach() : q).logProb(z);
  }
  const logP = logJoint(z);
  const want = [numSamples, ...q.batchShape];
  if (logP.rank !== want.length || logP.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(where, `logJoint returned shape [${logP.shape.join(',')}]; expected [${want.join(',')}] (samples ++ q.batchShape)`);
  }
  return { z, logWeights: tf.sub(logP, logQ) };
}
