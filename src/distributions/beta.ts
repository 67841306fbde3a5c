import * as tf from '@tensorflow/tfjs-core';
import { digamma } from '../math/digamma';
import { betainc } from '../math/betainc';
import { betaincinv } from '../math/betaincinv';
import { lbeta } from '../math/lbeta';
import { stopGradient } from '../math/stop-gradient';
import { splitSeed, type Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { standardGamma } from './gamma-draws';
import { broadcastShapes, expandTo } from './shapes';
import { checkParameters } from './validation';

/** Parameters of {@link Beta} (TFP's names). */
export interface BetaParameters {
  /** a, the pseudo-count of ones (successes), positive. */
  concentration1: TensorInput;
  /** b, the pseudo-count of zeros (failures), positive. */
  concentration0: TensorInput;
}

/**
 * The beta distribution on [0, 1]: density x^{a−1} (1 − x)^{b−1} / B(a, b),
 * batched over the broadcast shape of `concentration1` (a) and
 * `concentration0` (b); scalar events. The conjugate prior of a Bernoulli's
 * probability. Reparameterised through gamma draws, x = G_a / (G_a + G_b),
 * whose gradients are implicit ({@link Gamma}).
 *
 * @example
 * ```ts
 * const fairness = new Beta({ concentration1: 10, concentration0: 10 }); // a coin's prior
 * fairness.mean().print();   // 0.5
 * fairness.stddev().print(); // 0.1091
 * ```
 */
export class Beta extends Distribution {
  /** a (as given). */
  readonly concentration1: tf.Tensor;
  /** b (as given). */
  readonly concentration0: tf.Tensor;

  constructor(parameters: BetaParameters, options: DistributionOptions = {}) {
    super('Beta', options);
    try {
      const { concentration1, concentration0 } = checkParameters(this.name, parameters, '{ concentration1, concentration0 }');
      this.concentration1 = this.parameter('concentration1', concentration1, constraints.positive);
      this.concentration0 = this.parameter('concentration0', concentration0, constraints.positive);
      this.setShapes(broadcastShapes(this.name, this.concentration1.shape, this.concentration0.shape, 'concentration1 and concentration0 shapes'), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Beta {
    return new Beta({ concentration1: stopGradient(this.concentration1), concentration0: stopGradient(this.concentration0) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const [seedA, seedB] = splitSeed(seed, 2) as [Seed, Seed];
    const ga = standardGamma(expandTo(this.concentration1, this.batchShape), n, seedA);
    const gb = standardGamma(expandTo(this.concentration0, this.batchShape), n, seedB);
    return tf.div(ga, tf.add(ga, gb));
  }

  /** (a − 1) log x + (b − 1) log(1 − x) − log B(a, b) on [0, 1], −Infinity outside. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.unitInterval);
      const shape = broadcastShapes(`${this.name}.logProb`, x.shape, this.batchShape);
      // Parameter terms once per batch member; per value only the two logarithms.
      const [a, b] = [this.concentration1, this.concentration0].map((t) => expandTo(t, this.batchShape)) as [tf.Tensor, tf.Tensor];
      const inside = tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1));
      const safe = tf.where(inside, x, tf.fill(x.shape, 0.5));
      // (a − 1) log x with 0 · log 0 = 0 at the ends where a = 1 (or b = 1).
      const term = (k: tf.Tensor, logX: tf.Tensor) => tf.where(tf.broadcastTo(tf.equal(k, 1), shape), tf.zeros(shape), tf.mul(tf.sub(k, 1), logX));
      // log(1 − x), not log1p(−x): its absolute error of one ulp of 1, times b − 1, is below the float32 rounding of the sum.
      const value_ = tf.sub(tf.add(term(a, tf.log(safe)), term(b, tf.log(tf.sub(1, safe)))), lbeta(a, b));
      return tf.where(tf.broadcastTo(inside, shape), value_, tf.fill(shape, -Infinity));
    });
  }

  /** P(X ≤ x) = I_x(a, b), the regularized incomplete beta function ({@link betainc}; differentiable in x). */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'Beta.cdf');
      broadcastShapes('Beta.cdf', x.shape, this.batchShape); // a ShapeError naming Beta.cdf; betainc broadcasts
      return betainc(this.concentration1, this.concentration0, x);
    });
  }

  /**
   * The quantile: x with I_x(a, b) = p ({@link betaincinv}: Halley steps on the cdf, within 4e-4
   * relative of scipy). Differentiable in p, a and b (implicitly).
   */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const q = this.checkValue(p, constraints.unitInterval, 'Beta.icdf', 'p');
      broadcastShapes('Beta.icdf', q.shape, this.batchShape);
      return betaincinv(this.concentration1, this.concentration0, q);
    });
  }

  /** log B(a, b) − (a − 1) ψ(a) − (b − 1) ψ(b) + (a + b − 2) ψ(a + b). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const [a, b] = [expandTo(this.concentration1, this.batchShape), expandTo(this.concentration0, this.batchShape)];
      // log B(a, b) + (a − 1)(ψ(a + b) − ψ(a)) + (b − 1)(ψ(a + b) − ψ(b)): grouped so that no term grows like (a + b) ψ(a + b).
      const atTotal = digamma(tf.add(a, b));
      return tf.add(tf.add(lbeta(a, b), tf.mul(tf.sub(a, 1), tf.sub(atTotal, digamma(a)))), tf.mul(tf.sub(b, 1), tf.sub(atTotal, digamma(b))));
    });
  }

  /** a / (a + b). */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), this.batchShape));
  }

  /** a b / ((a + b)² (a + b + 1)). */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const [a, b] = [this.concentration1, this.concentration0];
      const total = tf.add(a, b);
      return expandTo(tf.div(tf.mul(a, b), tf.mul(tf.square(total), tf.add(total, 1))), this.batchShape);
    });
  }
}
