import * as tf from '@tensorflow/tfjs-core';
import { igamma } from '../math/igamma';
import { stopGradient } from '../math/stop-gradient';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { poissonDraws } from './count-draws';
import { poissonLogMass } from './count-log-mass';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { latticeSum } from './lattice-sum';
import { broadcastShapes, expandTo } from './shapes';
import { checkParameters } from './validation';
import { mleSample, sampleMean } from './mle-sample';

/** Parameters of {@link Poisson}. */
export interface PoissonParameters {
  /** λ, the rate (mean count), positive. */
  rate: TensorInput;
}

/**
 * The Poisson distribution over the counts 0, 1, 2, …: P(K = k) = λ^k e^{−λ} / k!,
 * batched over the shape of `rate`; scalar events. The log-mass uses Loader's
 * saddle-point form, so it keeps float32 accuracy at rates of 1e6 where
 * k log λ − λ − log k! would lose every digit. Draws invert the cdf below a
 * rate of 10 and use Hörmann's transformed rejection (PTRS) above; seeded
 * draws are the same on every backend. Discrete: no `rsample` (use a
 * score-function gradient).
 *
 * @example
 * ```ts
 * const counts = new Poisson({ rate: [0.5, 40] }); // batchShape [2]
 * counts.sample(1000, { seed: 1 });                 // [1000, 2] of counts
 * counts.logProb([0, 40]).print();                  // [-0.5, -2.6074]
 * Poisson.mle([2, 4, 3, 7]).rate.print();           // 4
 * ```
 */
export class Poisson extends Distribution {
  /** λ (as given). */
  readonly rate: tf.Tensor;

  constructor(parameters: PoissonParameters, options: DistributionOptions = {}) {
    super('Poisson', options);
    try {
      const { rate } = checkParameters(this.name, parameters, '{ rate }');
      this.rate = this.parameter('rate', rate, constraints.positive);
      this.setShapes(this.rate.shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  /**
   * The maximum-likelihood Poisson for counts `x` of shape
   * `[N, ...batchShape]`: rate the sample mean.
   *
   * @example
   * ```ts
   * Poisson.mle([2, 4, 3, 7]).rate.print(); // 4
   * ```
   */
  static mle(x: TensorInput): Poisson {
    const rate = tf.tidy(() => sampleMean(mleSample('Poisson.mle', x, constraints.nonNegativeInteger)));
    return Distribution.fitted('Poisson.mle', [rate], () => new Poisson({ rate }), 'not be all 0, or the MLE rate is 0');
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Poisson {
    return new Poisson({ rate: stopGradient(this.rate) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return poissonDraws(this.rate, n, seed);
  }

  /** log P(K = k); −Infinity off the non-negative integers. Gradient in λ: k/λ − 1. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const k = this.checkValue(value, constraints.nonNegativeInteger);
      const shape = broadcastShapes(`${this.name}.logProb`, k.shape, this.batchShape);
      return poissonLogMass(expandTo(k, shape), expandTo(this.rate, shape));
    });
  }

  /** P(K ≤ x) = Q(⌊x⌋ + 1, λ), the regularized upper incomplete gamma function; 0 below 0. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'Poisson.cdf');
      const shape = broadcastShapes('Poisson.cdf', x.shape, this.batchShape);
      const k = tf.floor(expandTo(x, shape));
      const upper = tf.sub(1, igamma(tf.add(tf.relu(k), 1), expandTo(this.rate, shape)));
      return tf.where(tf.less(k, 0), tf.zerosLike(upper), upper);
    });
  }

  /** −Σ p log p, summed on the device around the mode (see the class notes on accuracy). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const rate = this.rate;
      return latticeSum((k) => poissonLogMass(k, tf.broadcastTo(rate, k.shape)), rate, tf.sqrt(rate), (_k, logP) => tf.neg(logP));
    });
  }

  /** λ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(this.rate, this.batchShape));
  }

  /** λ. */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(this.rate, this.batchShape));
  }
}
