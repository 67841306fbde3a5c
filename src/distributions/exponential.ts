import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '../math/expm1';
import { log1p } from '../math/log1p';
import { stopGradient } from '../math/stop-gradient';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { expandTo } from './shapes';
import { checkParameters } from './validation';
import { mleSample, sampleMean } from './mle-sample';

/** Parameters of {@link Exponential}. */
export interface ExponentialParameters {
  /** λ, the rate (1 / mean), positive. */
  rate: TensorInput;
}

/**
 * The exponential distribution with rate λ: density λ e^{−λx} on x ≥ 0,
 * batched over the shape of `rate`; scalar events. Reparameterised by the
 * inverse cdf: x = −log1p(−u) / λ with u ~ U[0, 1). Outside the support a
 * validating instance throws, a non-validating one gives −Infinity.
 *
 * @example
 * ```ts
 * const waiting = new Exponential({ rate: [0.5, 2] }); // means 2 and 0.5
 * waiting.rsample(1000, { seed: 1 });                   // [1000, 2]
 * waiting.logProb(1).print();                           // [-1.1931, -1.3069]
 * ```
 */
export class Exponential extends Distribution {
  /** λ (as given). */
  readonly rate: tf.Tensor;

  constructor(parameters: ExponentialParameters, options: DistributionOptions = {}) {
    super('Exponential', options);
    try {
      const { rate } = checkParameters(this.name, parameters, '{ rate }');
      this.rate = this.parameter('rate', rate, constraints.positive);
      this.setShapes(this.rate.shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * The maximum-likelihood Exponential for non-negative observations `x` of
   * shape `[N, ...batchShape]`: rate 1 / (sample mean).
   *
   * @example
   * ```ts
   * Exponential.mle([0.5, 1.5, 2]).rate.print(); // 0.75
   * ```
   */
  static mle(x: TensorInput): Exponential {
    const rate = tf.tidy(() => tf.reciprocal(sampleMean(mleSample('Exponential.mle', x, constraints.nonNegative))));
    return Distribution.fitted('Exponential.mle', [rate], () => new Exponential({ rate }), 'not be all 0, or the MLE rate is infinite');
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Exponential {
    return new Exponential({ rate: stopGradient(this.rate) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return tf.div(tf.neg(log1p(tf.neg(randomUniform([n, ...this.batchShape], { seed })))), this.rate);
  }

  /** log λ − λx on x ≥ 0, −Infinity below. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.nonNegative);
      const inside = tf.sub(tf.log(this.rate), tf.mul(this.rate, x));
      return tf.where(tf.greaterEqual(x, 0), inside, tf.fill(inside.shape, -Infinity));
    });
  }

  /** P(X ≤ x) = 1 − e^{−λx} = −expm1(−λx) (accurate for small λx), 0 below 0. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'Exponential.cdf');
      return tf.neg(expm1(tf.neg(tf.mul(this.rate, tf.relu(x)))));
    });
  }

  /** The quantile −log1p(−p) / λ. */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.div(tf.neg(log1p(tf.neg(this.checkValue(p, constraints.unitInterval, 'Exponential.icdf', 'p')))), this.rate));
  }

  /** 1 − log λ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(1, tf.log(this.rate)));
  }

  /** 1 / λ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.reciprocal(this.rate), this.batchShape));
  }

  /** 1 / λ². */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.reciprocal(tf.square(this.rate)));
  }
}
