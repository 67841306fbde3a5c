import * as tf from '@tensorflow/tfjs-core';
import { log1p } from '../math/log1p';
import { softplus } from '../math/log1p-exp';
import { stopGradient } from '../math/stop-gradient';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import type { LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes } from './shapes';
import { checkParameters } from './validation';

/** Parameters of {@link RelaxedBernoulli}: a temperature and exactly one of `logits` and `probs`. */
export type RelaxedBernoulliParameters = LogitsOrProbs & {
  /** τ > 0: towards 0 the draws approach 0 and 1. */
  temperature: TensorInput;
};

// float32's machine epsilon: draws stay in [ε, 1 − ε], where the log-density is finite (torch's clamp_probs).
const EPSILON = 2 ** -23;

/**
 * The binary Concrete distribution (Maddison et al. 2017), a relaxed
 * Bernoulli on (0, 1): y = sigmoid((logits + L) / τ) with L standard
 * logistic noise, differentiable in the logits and in τ. Its logit
 * z = log(y / (1 − y)) is logistic with location logits / τ and scale 1 / τ;
 * the density of y follows by the change of variables. batchShape the
 * broadcast of the shapes of τ and the logits; scalar events. No closed-form
 * entropy, mean or variance.
 *
 * @example
 * ```ts
 * const gate = new RelaxedBernoulli({ temperature: 0.3, probs: [0.2, 0.9] });
 * const y = gate.rsample(1000, { seed: 1 }); // [1000, 2] in (0, 1), mostly near 0 or 1
 * gate.logProb(y);                           // [1000, 2]
 * ```
 */
export class RelaxedBernoulli extends Distribution {
  /** τ (as given). */
  readonly temperature: tf.Tensor;
  /** Log-odds: as given, or derived from `probs` (then owned). */
  readonly logits: tf.Tensor;

  constructor(parameters: RelaxedBernoulliParameters, options: DistributionOptions = {}) {
    super('RelaxedBernoulli', options);
    try {
      const { temperature } = checkParameters(this.name, parameters, '{ temperature, logits } or { temperature, probs }');
      this.temperature = this.parameter('temperature', temperature, constraints.positive);
      this.logits = this.binaryLogits(parameters);
      this.setShapes(broadcastShapes(this.name, this.temperature.shape, this.logits.shape, 'temperature and logits shapes'), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): RelaxedBernoulli {
    return new RelaxedBernoulli({ temperature: stopGradient(this.temperature), logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const u = randomUniform([n, ...this.batchShape], { seed, low: EPSILON });
    const logistic = tf.sub(tf.log(u), log1p(tf.neg(u)));
    return tf.clipByValue(tf.sigmoid(tf.div(tf.add(this.logits, logistic), this.temperature)), EPSILON, 1 - EPSILON);
  }

  /**
   * log τ − t − 2 softplus(−t) + softplus(−z) + softplus(z), with z the
   * logit of y and t = τz − logits: the logistic density of z and the
   * Jacobian 1 / (y (1 − y)). Values are clamped to [ε, 1 − ε] (ε = 2^−23),
   * the range of the draws, so that 0 and 1 get the finite density there.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.clipByValue(this.checkValue(value, constraints.unitInterval), EPSILON, 1 - EPSILON);
      const z = tf.sub(tf.log(y), log1p(tf.neg(y)));
      const t = tf.sub(tf.mul(this.temperature, z), this.logits);
      const logistic = tf.sub(tf.sub(tf.log(this.temperature), t), tf.mul(2, softplus(tf.neg(t))));
      return tf.add(logistic, tf.add(softplus(tf.neg(z)), softplus(z)));
    });
  }
}
