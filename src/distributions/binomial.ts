import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { stopGradient } from '../math/stop-gradient';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { binomialDraws } from './count-draws';
import { binomialLogMass } from './count-log-mass';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { latticeSum } from './lattice-sum';
import type { LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes, expandTo } from './shapes';

/** Parameters of {@link Binomial}: the number of trials and exactly one of `logits` and `probs`. */
export type BinomialParameters = LogitsOrProbs & {
  /** n, the number of trials: a non-negative integer (default 1). */
  totalCount?: TensorInput;
};

/**
 * The binomial distribution: the number of successes in n independent trials
 * of probability p, P(K = k) = C(n, k) p^k (1 − p)^{n−k} on 0, …, n, batched
 * over the broadcast shape of `totalCount` and the success parameter; scalar
 * events. Give `logits` (log-odds) or `probs`, as for {@link Bernoulli}. The
 * log-mass uses Loader's saddle-point form, accurate for n up to 1e7. Draws
 * invert the cdf below a mean of 10 and use Hörmann's BTRS above; seeded draws
 * are the same on every backend. Discrete: no `rsample`.
 *
 * @example
 * ```ts
 * const heads = new Binomial({ totalCount: 10, probs: [0.5, 0.9] }); // batchShape [2]
 * heads.sample(1000, { seed: 1 });                                    // [1000, 2], counts 0–10
 * heads.logProb(9).print();                                           // [-4.6460, -0.9485]
 * ```
 */
export class Binomial extends Distribution {
  /** n (as given; 1 by default). */
  readonly totalCount: tf.Tensor;
  /** Log-odds of a success: as given, or derived from `probs` (then owned). */
  readonly logits: tf.Tensor;

  constructor(parameters: BinomialParameters, options: DistributionOptions = {}) {
    super('Binomial', options);
    try {
      if (parameters === null || typeof parameters !== 'object') {
        throw new ValidationError(this.name, 'parameters', 'be an object { totalCount, logits } or { totalCount, probs }', parameters);
      }
      this.totalCount = this.parameter('totalCount', parameters.totalCount ?? 1, constraints.nonNegativeInteger);
      this.logits = this.binaryLogits(parameters);
      this.setShapes(broadcastShapes(this.name, this.totalCount.shape, this.logits.shape, 'totalCount and logits shapes'), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  /** The success probability sigmoid(logits), shape `batchShape`. */
  probs(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.sigmoid(this.logits), this.batchShape));
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Binomial {
    return new Binomial({ totalCount: this.totalCount, logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return binomialDraws(expandTo(this.totalCount, this.batchShape), expandTo(this.logits, this.batchShape), n, seed);
  }

  /**
   * log P(K = k): −Infinity off 0, …, n (a validating instance throws for
   * values that are not non-negative integers). Gradient in the logits: k − np.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const k = this.checkValue(value, constraints.nonNegativeInteger);
      const shape = broadcastShapes(`${this.name}.logProb`, k.shape, this.batchShape);
      return binomialLogMass(expandTo(k, shape), expandTo(this.totalCount, shape), expandTo(this.logits, shape));
    });
  }

  /** −Σ p log p, summed on the device around the mode (see {@link Poisson.entropy}). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const n = expandTo(this.totalCount, this.batchShape);
      const l = expandTo(this.logits, this.batchShape);
      const logMass = (k: tf.Tensor): tf.Tensor => binomialLogMass(k, tf.broadcastTo(n, k.shape), tf.broadcastTo(l, k.shape));
      return latticeSum(logMass, this.mean(), this.stddev(), (_k, logP) => tf.neg(logP));
    });
  }

  /** n p. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.mul(this.totalCount, tf.sigmoid(this.logits)), this.batchShape));
  }

  /** n p (1 − p). */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.mul(this.totalCount, tf.mul(tf.sigmoid(this.logits), tf.sigmoid(tf.neg(this.logits)))), this.batchShape));
  }
}
