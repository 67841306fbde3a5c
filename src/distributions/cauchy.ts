import * as tf from '@tensorflow/tfjs-core';
import { NotImplementedError } from '../errors';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import type { DistributionOptions, TensorInput } from './distribution';
import { LocationScale } from './location-scale';
import { expandTo } from './shapes';

/** Parameters of {@link Cauchy}. */
export interface CauchyParameters {
  /** x₀, the location (median). */
  loc: TensorInput;
  /** γ, the scale (half-width at half-maximum), positive. */
  scale: TensorInput;
}

// u ∈ (0, 1) strictly, so that tan(π (u − ½)) stays finite.
const EPS = 2 ** -24;

/**
 * The Cauchy distribution: density 1 / (πγ (1 + ((x − x₀)/γ)²)), batched over
 * the broadcast shape of `loc` and `scale`; scalar events. So heavy-tailed
 * that it has no mean and no variance (both throw). Reparameterised:
 * x = x₀ + γ tan(π (u − ½)).
 *
 * @example
 * ```ts
 * const c = new Cauchy({ loc: 0, scale: 1 });
 * c.cdf([-1, 0, 1]).print(); // [0.25, 0.5, 0.75]
 * ```
 */
export class Cauchy extends LocationScale {

  constructor(parameters: CauchyParameters, options: DistributionOptions = {}) {
    super('Cauchy', parameters, options);
  }


  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const u = randomUniform([n, ...this.batchShape], { seed, low: EPS, high: 1 - EPS });
    return tf.add(this.loc, tf.mul(this.scale, tf.tan(tf.mul(tf.sub(u, 0.5), Math.PI))));
  }

  /** −log π − log γ − log1p(z²), z = (x − x₀)/γ. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(this.checkValue(value), this.loc), this.scale);
      // log(1 + z²), not log1p: its absolute error of one float32 ulp of 1 is all the sum can hold.
      return tf.sub(tf.neg(tf.log(tf.add(tf.square(z), 1))), tf.add(tf.log(this.scale), Math.log(Math.PI)));
    });
  }

  /** P(X ≤ x) = ½ + atan(z)/π. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(this.checkValue(value, constraints.real, 'Cauchy.cdf'), this.loc), this.scale);
      return tf.add(tf.div(tf.atan(z), Math.PI), 0.5);
    });
  }

  /** The quantile x₀ + γ tan(π (p − ½)). */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, tf.tan(tf.mul(tf.sub(this.checkValue(p, constraints.unitInterval, 'Cauchy.icdf', 'p'), 0.5), Math.PI)))));
  }

  /** log(4πγ). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.log(tf.mul(this.scale, 4 * Math.PI)), this.batchShape));
  }

  /** Always throws: the Cauchy distribution has no mean (E|X| = ∞). */
  override mean(): tf.Tensor {
    throw new NotImplementedError('Cauchy.mean', 'the Cauchy distribution has no mean (E|X| is infinite); its median is loc');
  }

  /** Always throws: the Cauchy distribution has no variance. */
  override variance(): tf.Tensor {
    throw new NotImplementedError('Cauchy.variance', 'the Cauchy distribution has no variance (E[X²] is infinite); its scale is the half-width at half-maximum');
  }
}
