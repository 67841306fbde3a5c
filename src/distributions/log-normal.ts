import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '../math/expm1';
import { randomNormal } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import type { DistributionOptions, TensorInput } from './distribution';
import { LocationScale } from './location-scale';
import { normalCdf } from './normal-cdf';
import { expandTo } from './shapes';

/** Parameters of {@link LogNormal}. */
export interface LogNormalParameters {
  /** μ, the mean of log X. */
  loc: TensorInput;
  /** σ, the standard deviation of log X, positive. */
  scale: TensorInput;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The log-normal distribution: X = e^Y with Y ~ N(μ, σ²), on x > 0, batched
 * over the broadcast shape of `loc` and `scale`; scalar events.
 * Reparameterised: x = exp(μ + σ ε).
 *
 * @example
 * ```ts
 * const income = new LogNormal({ loc: 10, scale: 0.5 });
 * income.mean().print(); // e^{10.125} ≈ 24959
 * ```
 */
export class LogNormal extends LocationScale {

  constructor(parameters: LogNormalParameters, options: DistributionOptions = {}) {
    super('LogNormal', parameters, options);
  }


  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return tf.exp(tf.add(this.loc, tf.mul(this.scale, randomNormal([n, ...this.batchShape], { seed }))));
  }

  /** log N(log x; μ, σ²) − log x on x > 0, −Infinity at 0 and below. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.positive);
      const positive = tf.greater(x, 0);
      const logX = tf.log(tf.where(positive, x, tf.onesLike(x)));
      const z = tf.div(tf.sub(logX, this.loc), this.scale);
      const inside = tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.add(tf.log(this.scale), HALF_LOG_TWO_PI), logX));
      return tf.where(positive, inside, tf.fill(inside.shape, -Infinity));
    });
  }

  /** P(X ≤ x) = Φ((log x − μ)/σ), 0 at 0 and below. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'LogNormal.cdf');
      const positive = tf.greater(x, 0);
      const inside = normalCdf(tf.sub(tf.log(tf.where(positive, x, tf.onesLike(x))), this.loc), this.scale);
      return tf.where(positive, inside, tf.zerosLike(inside));
    });
  }

  /** μ + ½ + log σ + ½ log 2π (the Normal's entropy plus μ). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_TWO_PI), this.batchShape));
  }

  /** e^{μ + σ²/2}. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.exp(tf.add(this.loc, tf.mul(tf.square(this.scale), 0.5))), this.batchShape));
  }

  /** (e^{σ²} − 1) e^{2μ + σ²}, with expm1 for small σ. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const s2 = tf.square(this.scale);
      return expandTo(tf.mul(expm1(s2), tf.exp(tf.add(tf.mul(this.loc, 2), s2))), this.batchShape);
    });
  }
}
