import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { toFloat } from '../math/to-float';
import { checkPositiveInteger, NotImplementedError, ShapeError } from '../errors';
import { unaryCustomGradient } from '../math/custom-gradient';
import { gather } from '../math/gather';
import { log1p } from '../math/log1p';
import { logWithExactZero } from '../math/log-zero';
import { sum } from '../math/sum';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints, type Constraint } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { logitsOrProbs, type LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes, expandTo } from './shapes';
import { mleSample, sampleMean } from './mle-sample';

/** Parameters of {@link Categorical}: exactly one of `logits` and `probs`, shape `[...batchShape, K]`. */
export type CategoricalParameters = LogitsOrProbs;

/** Logits of K categories: −Infinity marks an impossible one, but not all of them. */
const categoryLogits: Constraint = {
  rule: 'not be NaN or +Infinity, nor all -Infinity along the last axis',
  firstViolation(values, shape) {
    const k = shape[shape.length - 1] ?? 1;
    for (let start = 0; start < values.length; start += k) {
      let possible = false;
      for (let i = start; i < start + k; i++) {
        const v = values[i] as number;
        if (Number.isNaN(v) || v === Infinity) return i;
        possible ||= v > -Infinity;
      }
      if (!possible) return start;
    }
    return -1;
  },
};

/**
 * The categorical distribution over the category indices 0, …, K − 1, with
 * the K categories on the last axis of its parameter: batchShape is the
 * parameter's shape without that axis, events are scalars. Give either
 * `logits` (unnormalised log-probabilities; −Infinity for an impossible
 * category) or `probs` (non-negative, summing to 1 along the last axis).
 *
 * Samples are category indices as float32 numbers, drawn by the Gumbel-max
 * trick from seeded uniforms, so a seed reproduces them on every backend and
 * categories of probability 0 (or e^−100000) are never drawn. Categories are
 * labels, not numbers: there is no mean or variance. Discrete: no `rsample`.
 *
 * @example
 * ```ts
 * const die = new Categorical({ logits: [[0, 0, 0], [2, 0, -Infinity]] }); // batchShape [2], K = 3
 * const x = die.sample(1000, { seed: 1 });                                 // [1000, 2], values in {0, 1, 2}
 * die.logProb(x);                                                          // [1000, 2]
 * die.probs().print();                                                     // [[1/3, 1/3, 1/3], [0.88, 0.12, 0]]
 * ```
 */
export class Categorical extends Distribution {
  /** Unnormalised log-probabilities, shape `[...batchShape, K]`: as given, or log(probs) (then owned). */
  readonly logits: tf.Tensor;
  /** K, the number of categories (the size of the parameter's last axis). */
  readonly numCategories: number;

  constructor(parameters: CategoricalParameters, options: DistributionOptions = {}) {
    super('Categorical', options);
    try {
      const given = logitsOrProbs('Categorical', parameters);
      const value = (given === 'logits' ? parameters.logits : parameters.probs) as TensorInput;
      const shape = shapeOf(value);
      if (shape !== undefined && (shape.length === 0 || shape[shape.length - 1] === 0)) {
        throw new ShapeError('Categorical', `${given} must have shape [...batchShape, K] with K ≥ 1 categories on the last axis (got shape [${shape.join(',')}])`);
      }
      if (given === 'logits') {
        this.logits = this.parameter('logits', value, categoryLogits);
      } else {
        const probs = this.parameter('probs', value, constraints.simplex);
        this.logits = this.own(tf.tidy(() => logWithExactZero(probs)));
      }
      this.numCategories = this.logits.shape[this.logits.rank - 1] as number;
      this.setShapes(this.logits.shape.slice(0, -1), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  /** Normalised log-probabilities (log-softmax over the last axis), shape `[...batchShape, K]`. */
  logProbs(): tf.Tensor {
    return tf.tidy(() => logSoftmax(this.logits));
  }

  /** Probabilities (softmax over the last axis), shape `[...batchShape, K]`. */
  probs(): tf.Tensor {
    return tf.tidy(() => tf.exp(logSoftmax(this.logits)));
  }

  /**
   * The maximum-likelihood Categorical for category indices `x` of shape
   * `[N, ...batchShape]`, each in 0 … numCategories − 1: probs the observed
   * frequencies (a category never seen gets probability 0).
   *
   * @example
   * ```ts
   * Categorical.mle([0, 2, 2, 1], 4).probs().print(); // [0.25, 0.25, 0.5, 0]
   * ```
   */
  static mle(x: TensorInput, numCategories: number): Categorical {
    const k = checkPositiveInteger('Categorical.mle', 'numCategories', numCategories);
    const probs = tf.tidy(() => {
      const data = mleSample('Categorical.mle', x, constraints.integerBelow(k));
      const hits = tf.equal(tf.expandDims(data, -1), tf.range(0, k));
      return sampleMean(tf.where(hits, tf.ones(hits.shape), tf.zeros(hits.shape)));
    });
    return Distribution.fitted('Categorical.mle', [probs], () => new Categorical({ probs }), `hold category indices below ${k}`);
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Categorical {
    return new Categorical({ logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    // Gumbel-max: argmax(logits + G) with G = −log(−log U) is distributed as Categorical(logits).
    // Shifting the logits so that their maximum is 0 keeps the sum exact; G lies in about
    // [−4.5, 16.7] for float32 U, so a category 1e5 below the best (or −Infinity) never wins.
    const shifted = tf.sub(this.logits, tf.max(this.logits, -1, true));
    const u = randomUniform([n, ...this.batchShape, this.numCategories], { seed });
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(tf.maximum(u, TINY)))));
    const perturbed = tf.add(shifted, gumbel);
    return firstMaxIndex(perturbed, tf.max(perturbed, -1, true), false);
  }

  /**
   * log P(X = x) for category indices x (numbers, float or int32 tensors),
   * shape `broadcast(x.shape, batchShape)`. −Infinity outside the support
   * when validation is off.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const k = this.numCategories;
      const x = this.checkValue(value, constraints.integerBelow(k));
      const shape = [...broadcastShapes('Categorical.logProb', x.shape, this.batchShape), k];
      const picked = this.batchShape.length === 0 ? this.pickUnbatched(x) : this.pickBatched(x, shape);
      const inSupport = tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(x, 0), tf.less(x, k)), tf.equal(tf.floor(x), x));
      return tf.where(tf.greater(expandTo(toFloat(inSupport), picked.shape), 0), picked, tf.fill(picked.shape, -Infinity));
    });
  }

  /** One category's log-probability per value, by gather: O(values), for an unbatched distribution. */
  private pickUnbatched(x: tf.Tensor): tf.Tensor {
    const index = tf.cast(tf.clipByValue(x, 0, this.numCategories - 1), 'int32'); // out-of-support values are masked later
    return gather(logSoftmax(this.logits), index);
  }

  /** One category's log-probability per value, by a one-hot mask: O(values · categories). */
  private pickBatched(x: tf.Tensor, shape: number[]): tf.Tensor {
    // Normalise the (small) logits first, then broadcast to the values' shape.
    const logProbs = expandTo(logSoftmax(this.logits), shape);
    const hits = tf.equal(expandTo(tf.expandDims(x, -1), shape), tf.range(0, this.numCategories));
    // A where, not a product: the other categories may have log-probability −Infinity (−Infinity · 0 = NaN).
    return tf.sum(tf.where(hits, logProbs, tf.zerosLike(logProbs)), -1);
  }

  /**
   * −Σ p log p over the categories, with the terms of probability 0 exactly
   * 0: finite, with finite gradients, when some logits are −Infinity.
   */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const logProbs = logSoftmax(this.logits);
      const p = tf.exp(logProbs);
      return tf.neg(sum(tf.mul(p, tf.where(tf.greater(p, 0), logProbs, tf.zerosLike(logProbs))), -1));
    });
  }

  /** Always throws: categories are labels, so a categorical distribution has no mean. */
  override mean(): tf.Tensor {
    throw new NotImplementedError('Categorical.mean', 'categories are labels, not numbers, so Categorical has no mean; use probs() for the probabilities');
  }

  /** Always throws: categories are labels, so a categorical distribution has no variance. */
  override variance(): tf.Tensor {
    throw new NotImplementedError('Categorical.variance', 'categories are labels, not numbers, so Categorical has no variance; use probs() for the probabilities');
  }
}

/** The shape of a tensor, number or nested array (following first elements); undefined for anything else. */
function shapeOf(value: unknown): number[] | undefined {
  if (value instanceof tf.Tensor) return value.shape;
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const items = v as ArrayLike<unknown>;
    shape.push(items.length);
    v = items[0];
  }
  return typeof v === 'number' || shape[shape.length - 1] === 0 ? shape : undefined;
}

/** The smallest normal float32: keeps log(U) finite when a uniform draw is exactly 0. */
const TINY = 1.1754943508222875e-38;

/**
 * log-softmax over the last axis, accurate for the largest entry too:
 * (x − max) − log1p(Σ over the other entries of exp(x − max)), so that
 * logits [60, 0] give log-probabilities [−8.8e-27, −60] rather than [0, −60].
 * −Infinity entries give −Infinity; the gradient is dy − softmax · Σ dy.
 */
function logSoftmax(logits: tf.Tensor): tf.Tensor {
  const k = logits.shape[logits.rank - 1] as number;
  const op = unaryCustomGradient<[tf.Tensor]>((x, save) => {
    const max = tf.max(x, -1, true);
    const shifted = tf.sub(x, tf.where(tf.isFinite(max), max, tf.zerosLike(max)));
    const top = tf.equal(tf.range(0, k), firstMaxIndex(x, max, true));
    const rest = sum(tf.where(top, tf.zerosLike(shifted), tf.exp(shifted)), -1, true);
    const value = tf.sub(shifted, log1p(rest));
    save([value]);
    return {
      value,
      gradFunc: (dy, [logProbs]) => tf.sub(dy, tf.mul(tf.exp(logProbs), tf.sum(dy, -1, true))),
    };
  });
  return op(logits);
}

/**
 * The index of the first maximum along the last axis (`max`, kept as an axis
 * of size 1), as float32. Float
 * arithmetic throughout rather than tf.argMax: on webgpu, argMax of a vector
 * has shape [1], and a float32 tensor cast from int32 keeps its int32 buffer,
 * which breaks later transposes (e.g. tf.sum(samples, 0) of rank 3).
 */
function firstMaxIndex(x: tf.Tensor, max: tf.Tensor, keepDims: boolean): tf.Tensor {
  const k = x.shape[x.rank - 1] as number;
  const atMax = tf.equal(x, max);
  const indices = tf.range(0, k);
  return tf.min(tf.where(atMax, expandTo(indices, x.shape), tf.fill(x.shape, k)), -1, keepDims);
}
