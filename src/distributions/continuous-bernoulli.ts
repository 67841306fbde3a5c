import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '../math/expm1';
import { horner } from '../math/horner';
import { log1p } from '../math/log1p';
import { softplus } from '../math/log1p-exp';
import { logWithExactZero } from '../math/log-zero';
import { stopGradient } from '../math/stop-gradient';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { logitsOrProbs, type LogitsOrProbs } from './logits-or-probs';
import { broadcastShapes, expandTo } from './shapes';

/** Parameters of {@link ContinuousBernoulli}: exactly one of `logits` and `probs` (λ). */
export type ContinuousBernoulliParameters = LogitsOrProbs;

// Below these |η| the closed forms cancel; their Taylor series (in η²) are used instead.
const SMALL = 0.1;
// log(η / tanh(η/2)) − log 2 = log(x coth x), x = η/2: x²/3 − 7x⁴/90 + 62x⁶/2835 − 127x⁸/18900
const LOG_X_COTH_X = [0, 1 / 3, -7 / 90, 62 / 2835, -127 / 18900];
// E[X] − ½ = η/12 − η³/720 + η⁵/30240, as a polynomial in η² times η
const MEAN_SERIES = [1 / 12, -1 / 720, 1 / 30240];
// Var[X] = 1/12 − η²/240 + η⁴/6048 − η⁶/172800
const VARIANCE_SERIES = [1 / 12, -1 / 240, 1 / 6048, -1 / 172800];

/**
 * The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem &
 * Cunningham 2019): density C(λ) λ^x (1 − λ)^{1−x}, the properly normalised
 * likelihood for pixels in [0, 1] that a Bernoulli "likelihood" only pretends
 * to be. With η = logit λ: log p(x) = log C + xη − softplus(η) and
 * C = η / tanh(η/2) (2 at η = 0). Batched over the parameter's shape; scalar
 * events. Reparameterised by its closed-form inverse cdf
 * x = log1p(u (e^η − 1)) / η.
 *
 * @example
 * ```ts
 * const pixel = new ContinuousBernoulli({ probs: [0.2, 0.5, 0.9] });
 * pixel.mean().print();    // [0.3210, 0.5, 0.7725]: not λ
 * pixel.logProb(0.9).print();
 * ```
 */
export class ContinuousBernoulli extends Distribution {
  /** η = logit λ: as given, or derived from `probs` (then owned). */
  readonly logits: tf.Tensor;

  constructor(parameters: ContinuousBernoulliParameters, options: DistributionOptions = {}) {
    super('ContinuousBernoulli', options);
    try {
      if (logitsOrProbs(this.name, parameters) === 'logits') {
        this.logits = this.parameter('logits', parameters.logits as TensorInput, constraints.finite);
      } else {
        const p = this.parameter('probs', parameters.probs as TensorInput, constraints.unitInterval);
        this.logits = this.own(tf.tidy(() => tf.sub(logWithExactZero(p), log1p(tf.neg(p)))));
      }
      this.setShapes(this.logits.shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): ContinuousBernoulli {
    return new ContinuousBernoulli({ logits: stopGradient(this.logits) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return this.quantile(randomUniform([n, ...this.batchShape], { seed }));
  }

  /** log C(η) + xη − softplus(η) on [0, 1], −Infinity outside. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.unitInterval);
      const shape = broadcastShapes(`${this.name}.logProb`, x.shape, this.batchShape);
      const eta = this.logits;
      const constant = tf.sub(this.logNormaliser(eta), softplus(eta)); // once per batch member
      const inside = tf.add(constant, tf.mul(x, eta));
      return tf.where(tf.broadcastTo(tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)), shape), inside, tf.fill(shape, -Infinity));
    });
  }

  /** P(X ≤ x) = expm1(ηx) / expm1(η), written to stay finite for large |η|; x itself near η = 0. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = tf.clipByValue(this.checkValue(value, constraints.real, 'ContinuousBernoulli.cdf'), 0, 1);
      const shape = broadcastShapes('ContinuousBernoulli.cdf', x.shape, this.batchShape);
      const eta = expandTo(this.logits, shape);
      const small = tf.less(tf.abs(eta), 1e-4);
      const safe = tf.where(small, tf.fill(shape, 1), eta);
      // η > 0: e^{η(x−1)} expm1(−ηx) / expm1(−η); η < 0: expm1(ηx) / expm1(η).
      const positive = tf.mul(tf.exp(tf.mul(safe, tf.sub(x, 1))), tf.div(expm1(tf.neg(tf.mul(safe, x))), expm1(tf.neg(safe))));
      const negative = tf.div(expm1(tf.mul(safe, x)), expm1(safe));
      return tf.where(small, tf.add(x, tf.zeros(shape)), tf.where(tf.greater(eta, 0), positive, negative));
    });
  }

  /** The quantile: log1p(p (e^η − 1)) / η, as 1 + log(p + (1 − p) e^{−η}) / η for η > 0. */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => this.quantile(this.checkValue(p, constraints.unitInterval, 'ContinuousBernoulli.icdf', 'p')));
  }

  /** softplus(η) − log C(η) − η E[X]. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(tf.sub(softplus(this.logits), this.logNormaliser(this.logits)), tf.mul(this.logits, this.mean())));
  }

  /** E[X] = 1/(1 − e^{−η}) − 1/η; ½ + η/12 − … near η = 0. */
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const eta = this.logits;
      const small = tf.less(tf.abs(eta), SMALL);
      const safe = tf.where(small, tf.onesLike(eta), eta);
      const closed = tf.sub(tf.neg(tf.reciprocal(expm1(tf.neg(safe)))), tf.reciprocal(safe));
      const series = tf.add(0.5, tf.mul(eta, horner(tf.square(eta), MEAN_SERIES)));
      return tf.where(small, series, closed);
    });
  }

  /** Var[X] = 1/η² − 1/(4 sinh²(η/2)); 1/12 − η²/240 + … near η = 0. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const eta = this.logits;
      const small = tf.less(tf.abs(eta), 1);
      const safe = tf.where(small, tf.onesLike(eta), eta);
      const closed = tf.sub(tf.reciprocal(tf.square(safe)), tf.reciprocal(tf.mul(4, tf.square(tf.sinh(tf.mul(safe, 0.5))))));
      return tf.where(small, horner(tf.square(eta), VARIANCE_SERIES), closed);
    });
  }

  /** log C(η) = log(η / tanh(η/2)): log 2 + log(x coth x) with x = η/2, a series near 0. */
  private logNormaliser(eta: tf.Tensor): tf.Tensor {
    const half = tf.mul(eta, 0.5);
    const small = tf.less(tf.abs(half), SMALL);
    const safe = tf.where(small, tf.onesLike(half), tf.abs(half));
    // x coth x = x (1 + e^{−2x}) / (1 − e^{−2x}) for x > 0 (coth is odd, x coth x even).
    const closed = tf.sub(tf.add(tf.log(safe), log1p(tf.exp(tf.mul(safe, -2)))), tf.log(tf.neg(expm1(tf.mul(safe, -2)))));
    return tf.add(Math.LN2, tf.where(small, horner(tf.square(half), LOG_X_COTH_X), closed));
  }

  /** The inverse cdf at u (shape broadcasting with batchShape). */
  private quantile(u: tf.Tensor): tf.Tensor {
    const eta = tf.add(this.logits, tf.zerosLike(u));
    const small = tf.less(tf.abs(eta), 1e-4);
    const safe = tf.where(small, tf.onesLike(eta), eta);
    const positive = tf.add(1, tf.div(tf.log(tf.add(u, tf.mul(tf.sub(1, u), tf.exp(tf.neg(safe))))), safe));
    const negative = tf.div(log1p(tf.mul(u, expm1(safe))), safe);
    // Near η = 0: u + u(1 − u) η / 2 (first order).
    const series = tf.add(u, tf.mul(tf.mul(u, tf.sub(1, u)), tf.mul(eta, 0.5)));
    return tf.clipByValue(tf.where(small, series, tf.where(tf.greater(eta, 0), positive, negative)), 0, 1);
  }
}
