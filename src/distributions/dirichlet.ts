import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { digamma } from '../math/digamma';
import { lgamma } from '../math/lgamma';
import { stopGradient } from '../math/stop-gradient';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { standardGamma } from './gamma-draws';
import { checkParameters } from './validation';

/** Parameters of {@link Dirichlet}. */
export interface DirichletParameters {
  /** α, positive, `[...batchShape, K]`: one concentration per category on the last axis. */
  concentration: TensorInput;
}

/**
 * The Dirichlet distribution over the probability simplex of K categories:
 * density Π x_k^{α_k − 1} / B(α) with B(α) = Π Γ(α_k) / Γ(Σ α_k); batchShape
 * the leading axes of `concentration`, eventShape `[K]`. The conjugate prior
 * of a Categorical. Reparameterised through gamma draws normalised to sum to 1.
 *
 * @example
 * ```ts
 * const topics = new Dirichlet({ concentration: [0.5, 0.5, 0.5] }); // sparse proportions over 3 topics
 * topics.sample(2, { seed: 1 });                                    // [2, 3], rows sum to 1
 * ```
 */
export class Dirichlet extends Distribution {
  /** α (as given), `[...batchShape, K]`. */
  readonly concentration: tf.Tensor;

  constructor(parameters: DirichletParameters, options: DistributionOptions = {}) {
    super('Dirichlet', options);
    try {
      const { concentration } = checkParameters(this.name, parameters, '{ concentration }');
      this.concentration = this.parameter('concentration', concentration, constraints.positive);
      const shape = this.concentration.shape;
      if (shape.length === 0 || (shape[shape.length - 1] as number) < 2) {
        throw new ShapeError(this.name, `concentration must have shape [...batchShape, K] with K ≥ 2 categories on the last axis (got [${shape.join(',')}])`);
      }
      this.setShapes(shape.slice(0, -1), shape.slice(-1));
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Dirichlet {
    return new Dirichlet({ concentration: stopGradient(this.concentration) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const g = standardGamma(this.concentration, n, seed);
    return tf.div(g, tf.sum(g, -1, true));
  }

  /** Σ (α_k − 1) log x_k − log B(α) on the simplex. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.simplex);
      const a = this.concentration;
      const terms = tf.where(tf.equal(tf.add(a, tf.zerosLike(x)), 1), tf.zerosLike(x), tf.mul(tf.sub(a, 1), tf.log(x)));
      return tf.sub(sum(terms, -1), this.logNormaliser());
    });
  }

  /** log B(α) + (α₀ − K) ψ(α₀) − Σ (α_k − 1) ψ(α_k), α₀ = Σ α_k. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const total = sum(a, -1);
      const k = a.shape[a.rank - 1] as number;
      return tf.sub(tf.add(this.logNormaliser(), tf.mul(tf.sub(total, k), digamma(total))), sum(tf.mul(tf.sub(a, 1), digamma(a)), -1));
    });
  }

  /** α / α₀. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }

  /** α_k (α₀ − α_k) / (α₀² (α₀ + 1)). */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const total = tf.sum(a, -1, true);
      return tf.div(tf.mul(a, tf.sub(total, a)), tf.mul(tf.square(total), tf.add(total, 1)));
    });
  }

  /** log B(α) = Σ log Γ(α_k) − log Γ(α₀), `[...batchShape]`. */
  private logNormaliser(): tf.Tensor {
    return tf.sub(sum(lgamma(this.concentration), -1), lgamma(sum(this.concentration, -1)));
  }
}
