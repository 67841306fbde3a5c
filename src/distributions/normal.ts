import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { randomNormal } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { checkParameters } from './validation';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { ndtri } from '../math/ndtri';
import { broadcastShapes, expandTo } from './shapes';
import { centred, mleSample, sampleMean } from './mle-sample';
import { normalCdf } from './normal-cdf';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of {@link Normal}. */
export interface NormalParameters {
  /** Mean. */
  loc: TensorInput;
  /** Standard deviation, positive. */
  scale: TensorInput;
}

/**
 * The normal (Gaussian) distribution N(loc, scale²), batched over the
 * broadcast shape of `loc` and `scale`; scalar events. Reparameterised:
 * x = loc + scale · ε with ε ~ N(0, 1).
 *
 * @example
 * ```ts
 * const normal = new Normal({ loc: [0, 1], scale: 2 }); // batchShape [2]
 * const x = normal.rsample(100, { seed: 1 });            // [100, 2]
 * normal.logProb(x);                                      // [100, 2]
 * ```
 */
export class Normal extends Distribution {
  /** Mean (as given). */
  readonly loc: tf.Tensor;
  /** Standard deviation (as given). */
  readonly scale: tf.Tensor;

  constructor(parameters: NormalParameters, options: DistributionOptions = {}) {
    super('Normal', options);
    try {
      const { loc, scale } = checkParameters(this.name, parameters, '{ loc, scale }');
      this.loc = this.parameter('loc', loc, constraints.finite);
      this.scale = this.parameter('scale', scale, constraints.positive);
      this.setShapes(broadcastShapes('Normal', this.loc.shape, this.scale.shape, 'loc and scale shapes'), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /**
   * The maximum-likelihood Normal for observations `x` of shape
   * `[N, ...batchShape]`: `loc` the sample mean and `scale` the root mean
   * squared deviation (divisor N, not N − 1) along the first axis.
   *
   * @example
   * ```ts
   * const fit = Normal.mle([[1, 10], [3, 14], [2, 12]]); // batchShape [2]
   * fit.loc.print();                                     // [2, 12]
   * fit.scale.print();                                   // [0.8165, 1.633]
   * ```
   */
  static mle(x: TensorInput): Normal {
    const [loc, scale] = tf.tidy(() => {
      const data = mleSample('Normal.mle', x, constraints.finite);
      const { mean, deviations } = centred(data);
      return [mean, tf.sqrt(sampleMean(tf.square(deviations)))];
    });
    return Distribution.fitted('Normal.mle', [loc, scale], () => new Normal({ loc, scale }), 'vary along its first axis, or the MLE scale is 0');
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Normal {
    return new Normal({ loc: stopGradient(this.loc), scale: stopGradient(this.scale) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const eps = randomNormal([n, ...this.batchShape], { seed });
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  /** −½((x − loc)/scale)² − log scale − ½ log 2π: exact far in the tails (no exp/log round trip). */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(this.checkValue(value), this.loc), this.scale);
      return tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI));
    });
  }

  /** P(X <= x) = ½ erfc(−z/√2). */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      return normalCdf(tf.sub(this.checkValue(value, constraints.real, 'Normal.cdf'), this.loc), this.scale);
    });
  }

  /** The quantile function loc + scale · Φ⁻¹(p), accurate for p down to 1e-38. */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, ndtri(this.checkValue(p, constraints.unitInterval, 'Normal.icdf', 'p')))));
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), this.batchShape));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(this.loc, this.batchShape));
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.square(this.scale), this.batchShape));
  }

  override stddev(): tf.Tensor {
    return tf.tidy(() => expandTo(this.scale, this.batchShape));
  }
}
