import * as tf from '@tensorflow/tfjs-core';
import type { Seed } from '../random/seed';
import { Categorical, type CategoricalParameters } from './categorical';
import type { Constraint } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { toFloat } from '../math/to-float';
import { broadcastShapes } from './shapes';

// A row of zeros with a single 1 on the last axis.
const oneHotRows: Constraint = {
  rule: 'be one-hot along the last axis (zeros and a single 1)',
  firstViolation(values, shape) {
    const k = shape[shape.length - 1] ?? 1;
    for (let start = 0; start < values.length; start += k) {
      let ones = 0;
      for (let i = start; i < start + k; i++) {
        const v = values[i] as number;
        if (v !== 0 && v !== 1) return i;
        ones += v;
      }
      if (ones !== 1) return start;
    }
    return -1;
  },
};

/**
 * The categorical distribution over one-hot vectors: the same law as
 * {@link Categorical}, with events `[K]` (a 1 at the drawn category) instead
 * of indices — the form relaxed (Gumbel-softmax) latents and matrix-product
 * likelihoods want. batchShape the leading axes of the parameters, eventShape `[K]`.
 *
 * @example
 * ```ts
 * const die = new OneHotCategorical({ probs: [0.1, 0.2, 0.7] });
 * die.sample(2, { seed: 1 });        // [2, 3] of one-hot rows
 * die.logProb([0, 0, 1]).print();     // log 0.7
 * ```
 */
export class OneHotCategorical extends Distribution {
  /** The same law over category indices (owned: freed by {@link dispose}). */
  readonly categorical: Categorical;

  constructor(parameters: CategoricalParameters, options: DistributionOptions = {}) {
    super('OneHotCategorical', options);
    this.categorical = new Categorical(parameters, options);
    this.setShapes(this.categorical.batchShape, [this.categorical.numCategories]);
  }

  /** The logits, `[...batchShape, K]` (as given, or derived from probs). */
  get logits(): tf.Tensor {
    return this.categorical.logits;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): OneHotCategorical {
    return new OneHotCategorical({ logits: this.categorical.detach().logits }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    // A one-hot mask by comparison: wasm's oneHot ignores its dtype argument.
    const chosen = this.categorical.sample(n, { seed });
    return toFloat(tf.equal(tf.expandDims(chosen, -1), tf.range(0, this.categorical.numCategories, 1, 'float32')));
  }

  /** Σ_k x_k log p_k for one-hot x. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, oneHotRows);
      const logProbs = this.categorical.logProbs();
      const shape = broadcastShapes('OneHotCategorical.logProb', x.shape, logProbs.shape);
      const [xs, lp] = [tf.add(x, tf.zeros(shape)), tf.add(logProbs, tf.zeros(shape))];
      // A where, not x · log p: 0 · (−Infinity) would be NaN for a category of probability 0 not chosen.
      return tf.sum(tf.where(tf.equal(xs, 1), lp, tf.zeros(shape)), -1);
    });
  }

  /** The categorical entropy −Σ p log p. */
  override entropy(): tf.Tensor {
    return this.categorical.entropy();
  }

  /** The probabilities p. */
  override mean(): tf.Tensor {
    return this.categorical.probs();
  }

  /** p (1 − p) per category. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.categorical.probs();
      return tf.mul(p, tf.sub(1, p));
    });
  }

  /** Frees the inner Categorical's own tensors. */
  override dispose(): void {
    this.categorical.dispose();
    super.dispose();
  }
}

