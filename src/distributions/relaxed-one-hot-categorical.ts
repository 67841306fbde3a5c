import * as tf from '@tensorflow/tfjs-core';
import { lgamma } from '../math/lgamma';
import { logSumExp } from '../math/log-sum-exp';
import { stopGradient } from '../math/stop-gradient';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { Categorical } from './categorical';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import type { LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes } from './shapes';
import { checkParameters } from './validation';

/** Parameters of {@link RelaxedOneHotCategorical}: a temperature and exactly one of `logits` and `probs` (`[...batchShape, K]`). */
export type RelaxedOneHotCategoricalParameters = LogitsOrProbs & {
  /** τ > 0: towards 0 the draws approach one-hot vectors, for large τ the centre of the simplex. */
  temperature: TensorInput;
};

// The smallest normal float32: uniforms are kept above it so that −log(−log u) stays finite.
const TINY = 2 ** -126;
// Draws are kept at least this far from the simplex's faces, where the log-density is infinite (torch clamps likewise).
const FLOOR = 1e-30;

/**
 * The Concrete (Gumbel-softmax) distribution of Maddison et al. and Jang et
 * al. (2017): y = softmax((logits + g) / τ) with g standard Gumbel noise — a
 * continuous relaxation of {@link OneHotCategorical} whose draws lie on the
 * simplex and are differentiable in the logits and in τ. Its density on the
 * simplex (Lebesgue measure on the first K − 1 coordinates) is
 * Γ(K) τ^{K−1} Π (α_i y_i^{−τ−1}) / (Σ α_i y_i^{−τ})^K with α = exp(logits).
 * batchShape the broadcast of τ's shape with the leading axes of the
 * logits; eventShape `[K]`. For any τ, the arg-max of a draw is distributed
 * as the categorical itself. No closed-form entropy, mean or variance.
 *
 * @example
 * ```ts
 * const z = new RelaxedOneHotCategorical({ temperature: 0.5, logits: [0, 1, 2] });
 * const y = z.rsample(4, { seed: 1 }); // [4, 3], rows on the simplex, differentiable
 * z.logProb(y);                        // [4]
 * ```
 */
export class RelaxedOneHotCategorical extends Distribution {
  /** τ (as given). */
  readonly temperature: tf.Tensor;
  /** The categorical being relaxed (owned: freed by {@link dispose}). */
  readonly categorical: Categorical;

  constructor(parameters: RelaxedOneHotCategoricalParameters, options: DistributionOptions = {}) {
    super('RelaxedOneHotCategorical', options);
    try {
      const { temperature, logits, probs } = checkParameters(this.name, parameters, '{ temperature, logits } or { temperature, probs }');
      this.temperature = this.parameter('temperature', temperature, constraints.positive);
      this.categorical = new Categorical({ logits, probs } as LogitsOrProbs, options); // an undefined entry counts as not given
      const batch = broadcastShapes(this.name, this.temperature.shape, this.categorical.batchShape, 'temperature and logits batch shapes');
      this.setShapes(batch, [this.categorical.numCategories]);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** The logits, `[...batchShape, K]` (as given, or derived from probs). */
  get logits(): tf.Tensor {
    return this.categorical.logits;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): RelaxedOneHotCategorical {
    return new RelaxedOneHotCategorical({ temperature: stopGradient(this.temperature), logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const k = this.categorical.numCategories;
    const u = randomUniform([n, ...this.batchShape, k], { seed, low: TINY });
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
    const scores = tf.div(tf.add(this.logits, gumbel), tf.expandDims(this.temperature, -1));
    return tf.maximum(tf.exp(tf.sub(scores, logSumExp(scores, -1, true))), FLOOR);
  }

  /**
   * log Γ(K) + (K − 1) log τ + Σ_i (l_i − (τ + 1) log y_i) − K · logsumexp_i(l_i − τ log y_i)
   * for y on the simplex (within float32 rounding of the sum). Coordinates
   * below 1e-30, the floor of the draws, count as 1e-30: on the simplex's
   * faces the density would be 0 or infinite.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const y = tf.maximum(this.checkValue(value, constraints.simplex), FLOOR);
      const k = this.categorical.numCategories;
      const tau = tf.expandDims(this.temperature, -1);
      const logY = tf.log(y);
      const scaled = tf.sub(this.logits, tf.mul(tau, logY));
      const terms = tf.sum(tf.sub(this.logits, tf.mul(tf.add(tau, 1), logY)), -1);
      const constant = tf.add(lgamma(tf.scalar(k)), tf.mul(k - 1, tf.log(this.temperature)));
      return tf.add(constant, tf.sub(terms, tf.mul(k, logSumExp(scaled, -1))));
    });
  }

  /** Frees the inner Categorical's own tensors. */
  override dispose(): void {
    this.categorical?.dispose();
    super.dispose();
  }
}
