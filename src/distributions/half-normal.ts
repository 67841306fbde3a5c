import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { randomNormal } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { checkParameters } from './validation';

/** Parameters of {@link HalfNormal}. */
export interface HalfNormalParameters {
  /** σ, the scale of the Normal folded at 0, positive. */
  scale: TensorInput;
}

const HALF_LOG_TWO_OVER_PI = 0.5 * Math.log(2 / Math.PI);

/**
 * The half-normal distribution: |Y| with Y ~ N(0, σ²), on x ≥ 0, batched over
 * the shape of `scale`; scalar events. A common prior for scales.
 * Reparameterised: x = σ |ε|.
 *
 * @example
 * ```ts
 * const prior = new HalfNormal({ scale: 2 });
 * prior.logProb([0, 1, 4]).print(); // [-0.9189, -1.0439, -2.9189]
 * ```
 */
export class HalfNormal extends Distribution {
  /** σ (as given). */
  readonly scale: tf.Tensor;

  constructor(parameters: HalfNormalParameters, options: DistributionOptions = {}) {
    super('HalfNormal', options);
    try {
      const { scale } = checkParameters(this.name, parameters, '{ scale }');
      this.scale = this.parameter('scale', scale, constraints.positive);
      this.setShapes(this.scale.shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): HalfNormal {
    return new HalfNormal({ scale: stopGradient(this.scale) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return tf.mul(this.scale, tf.abs(randomNormal([n, ...this.batchShape], { seed })));
  }

  /** ½ log(2/π) − log σ − x²/(2σ²) on x ≥ 0, −Infinity below. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.nonNegative);
      const inside = tf.sub(tf.mul(tf.square(tf.div(x, this.scale)), -0.5), tf.sub(tf.log(this.scale), HALF_LOG_TWO_OVER_PI));
      return tf.where(tf.greaterEqual(x, 0), inside, tf.fill(inside.shape, -Infinity));
    });
  }

  /** P(X ≤ x) = erf(x / (σ√2)), 0 below 0. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.erf(tf.div(tf.relu(this.checkValue(value, constraints.real, 'HalfNormal.cdf')), tf.mul(this.scale, Math.SQRT2))));
  }

  /** ½ log(πσ²/2) + ½. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 * Math.log(Math.PI / 2) + 0.5));
  }

  /** σ √(2/π). */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scale, Math.sqrt(2 / Math.PI)));
  }

  /** σ² (1 − 2/π). */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), 1 - 2 / Math.PI));
  }
}
