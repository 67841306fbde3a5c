import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '../math/expm1';
import { log1p } from '../math/log1p';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import type { DistributionOptions, TensorInput } from './distribution';
import { LocationScale } from './location-scale';
import { expandTo } from './shapes';

/** Parameters of {@link Laplace}. */
export interface LaplaceParameters {
  /** μ, the location (median and mean). */
  loc: TensorInput;
  /** b, the scale, positive. */
  scale: TensorInput;
}

// The largest float32 below 1: u ∈ (−1, 1) keeps log1p(−|u|) finite.
const ONE_BELOW = 1 - 2 ** -24;

/**
 * The Laplace (double exponential) distribution: density e^{−|x − μ|/b} / (2b),
 * batched over the broadcast shape of `loc` and `scale`; scalar events. Heavier
 * tails than the Normal, a robust likelihood. Reparameterised:
 * x = μ − b · sign(u) · log1p(−|u|) with u ~ U(−1, 1).
 *
 * @example
 * ```ts
 * const noise = new Laplace({ loc: 0, scale: [1, 3] });
 * noise.logProb(2).print(); // [-2.6931, -2.4584]
 * ```
 */
export class Laplace extends LocationScale {

  constructor(parameters: LaplaceParameters, options: DistributionOptions = {}) {
    super('Laplace', parameters, options);
  }


  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const u = randomUniform([n, ...this.batchShape], { seed, low: -ONE_BELOW, high: ONE_BELOW });
    return tf.sub(this.loc, tf.mul(tf.mul(this.scale, tf.sign(u)), log1p(tf.neg(tf.abs(u)))));
  }

  /** −log 2b − |x − μ| / b. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.abs(tf.sub(this.checkValue(value), this.loc)), this.scale);
      return tf.neg(tf.add(z, tf.log(tf.mul(this.scale, 2))));
    });
  }

  /** ½ e^{(x − μ)/b} below μ, 1 − ½ e^{−(x − μ)/b} above (each without cancellation). */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(this.checkValue(value, constraints.real, 'Laplace.cdf'), this.loc), this.scale);
      const below = tf.mul(tf.exp(tf.neg(tf.abs(z))), 0.5);
      return tf.where(tf.less(z, 0), below, tf.sub(0.5, tf.mul(expm1(tf.neg(tf.abs(z))), 0.5)));
    });
  }

  /** The quantile μ − b · sign(p − ½) · log1p(−2|p − ½|). */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const centred = tf.sub(this.checkValue(p, constraints.unitInterval, 'Laplace.icdf', 'p'), 0.5);
      return tf.sub(this.loc, tf.mul(tf.mul(this.scale, tf.sign(centred)), log1p(tf.mul(tf.abs(centred), -2))));
    });
  }

  /** 1 + log 2b. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.add(1, tf.log(tf.mul(this.scale, 2))), this.batchShape));
  }

  /** μ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(this.loc, this.batchShape));
  }

  /** 2b². */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.mul(tf.square(this.scale), 2), this.batchShape));
  }
}
