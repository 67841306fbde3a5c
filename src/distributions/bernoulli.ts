import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { softplus } from '../math/log1p-exp';
import { timesUnlessZero } from '../math/times-unless-zero';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import type { LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes, sumToShape } from './shapes';
import { mleSample, sampleMean } from './mle-sample';

/** Parameters of {@link Bernoulli}: exactly one of `logits` and `probs`. */
export type BernoulliParameters = LogitsOrProbs;

/**
 * The Bernoulli distribution over {0, 1}, batched over the shape of its
 * parameter; scalar events. Give either `logits` (log-odds, ±Infinity
 * allowed) or `probs` (P(X = 1), in [0, 1]); the logits are kept either way
 * and every quantity is computed from them, so it stays finite and accurate
 * for logits far from 0 (±60 and beyond). Discrete: no `rsample`.
 *
 * @example
 * ```ts
 * const coin = new Bernoulli({ probs: [0.1, 0.5, 0.9] }); // batchShape [3]
 * const x = coin.sample(1000, { seed: 1 });                // [1000, 3] of 0/1
 * coin.logProb(x);                                          // [1000, 3]
 * new Bernoulli({ logits: -60 }).logProb(1).print();        // -60
 * ```
 */
export class Bernoulli extends Distribution {
  /** Log-odds log(p / (1 − p)): as given, or derived from `probs` (then owned by this distribution). */
  readonly logits: tf.Tensor;

  constructor(parameters: BernoulliParameters, options: DistributionOptions = {}) {
    super('Bernoulli', options);
    try {
      this.logits = this.binaryLogits(parameters);
      this.setShapes(this.logits.shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  /** P(X = 1) = sigmoid(logits), a new tensor of shape `batchShape`. */
  probs(): tf.Tensor {
    return tf.tidy(() => tf.sigmoid(this.logits));
  }

  /**
   * The maximum-likelihood Bernoulli for 0/1 observations `x` of shape
   * `[N, ...batchShape]`: probs the fraction of ones (0 and 1 allowed: their
   * logits are ∓Infinity).
   *
   * @example
   * ```ts
   * Bernoulli.mle([[1, 0], [1, 0], [0, 0], [1, 0]]).probs().print(); // [0.75, 0]
   * ```
   */
  static mle(x: TensorInput): Bernoulli {
    const probs = tf.tidy(() => sampleMean(mleSample('Bernoulli.mle', x, constraints.boolean)));
    return Distribution.fitted('Bernoulli.mle', [probs], () => new Bernoulli({ probs }), 'hold 0/1 observations');
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Bernoulli {
    return new Bernoulli({ logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const u = randomUniform([n, ...this.batchShape], { seed });
    // A where, not a cast: webgpu's cast of bool to float32 keeps the bool buffer, which breaks later transposes.
    return tf.where(tf.less(u, tf.sigmoid(this.logits)), tf.onesLike(u), tf.zerosLike(u));
  }

  /**
   * log P(X = x): −softplus(−logits) for x = 1 and −softplus(logits) for
   * x = 0 (x · logits − softplus(logits) without its cancellations), in one
   * softplus of s · logits with s = 1 − 2x; −Infinity outside {0, 1}.
   * Gradient in the logits: x − sigmoid(logits), written s′ · sigmoid(s · logits)
   * so it stays relatively accurate where p saturates; 0 outside {0, 1}.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.boolean);
      broadcastShapes('Bernoulli.logProb', x.shape, this.batchShape);
      return bernoulliLogProb(this.logits, x);
    });
  }

  /** −p log p − (1 − p) log(1 − p) = p · softplus(−logits) + (1 − p) · softplus(logits); 0 at p = 0 or 1. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logits;
      return tf.add(timesUnlessZero(tf.sigmoid(l), softplus(tf.neg(l))), timesUnlessZero(tf.sigmoid(tf.neg(l)), softplus(l)));
    });
  }

  /** The mean, P(X = 1). */
  override mean(): tf.Tensor {
    return this.probs();
  }

  /** p (1 − p), computed as sigmoid(logits) · sigmoid(−logits): accurate when p is near 1. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.sigmoid(this.logits), tf.sigmoid(tf.neg(this.logits))));
  }
}


/**
 * log P(X = x) for logits and x, one op for the gradient tape: a VAE's
 * likelihood runs it on every pixel, and on wasm each taped kernel costs a
 * dispatch and a copy of its inputs. x gets a zero gradient.
 */
const bernoulliLogProb = tf.customGrad((...args) => {
  const [logits, x, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const inSupport = tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1));
  const s = tf.sub(1, tf.mul(2, x));
  // Outside {0, 1} the sign is 1 (never 0 · ±Infinity = NaN with infinite logits) and −Infinity is added.
  const z = tf.mul(tf.where(inSupport, s, tf.onesLike(s)), logits);
  const outside = tf.where(inSupport, tf.zerosLike(x), tf.fill(x.shape, -Infinity));
  // 0 − softplus rather than −softplus: a log-mass of +0, not −0, where p is 0 or 1.
  const value = tf.add(tf.sub(0, softplus(z)), outside);
  save([z, tf.where(inSupport, s, tf.zerosLike(s))]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [zs, gradSign] = saved as [tf.Tensor, tf.Tensor];
      // d/dl −softplus(s · l) = −s · sigmoid(s · l): sigmoid(−l) for x = 1, −sigmoid(l) for x = 0.
      const dLogits = tf.mul(dy, tf.mul(tf.neg(gradSign), tf.sigmoid(zs)));
      // Shapes only: tfjs frees the forward pass's tensors before the backward pass.
      return [sumToShape(dLogits, logits.shape), tf.zeros(x.shape)];
    },
  };
}) as (logits: tf.Tensor, x: tf.Tensor) => tf.Tensor;
