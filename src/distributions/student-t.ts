import * as tf from '@tensorflow/tfjs-core';
import { digamma, digammaCorrection } from '../math/digamma';
import { regularizedBeta } from '../math/betainc';
import { inverseBetaPair } from '../math/betaincinv';
import { withImplicitGradient } from '../math/invert-cdf';
import { lbeta } from '../math/lbeta';
import { lgamma, stirlingCorrection } from '../math/lgamma';
import { log1p } from '../math/log1p';
import { ndtri } from '../math/ndtri';
import { stopGradient } from '../math/stop-gradient';
import { randomNormal } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { standardGamma } from './gamma-draws';
import { normalCdf } from './normal-cdf';
import { broadcastShapes, expandTo } from './shapes';
import { checkParameters } from './validation';

/** Parameters of {@link StudentT}. */
export interface StudentTParameters {
  /** ν, the degrees of freedom, positive. */
  df: TensorInput;
  /** The location (the median; the mean when ν > 1). */
  loc: TensorInput;
  /** The scale, positive. */
  scale: TensorInput;
}

/**
 * log Γ(a + ½) − log Γ(a), without the cancellation of two terms near a log a
 * for large a: ½ log a + [a log1p(1/(2a)) − ½] + corr(a + ½) − corr(a) from a = 8.
 */
function lgammaHalfStep(a: tf.Tensor): tf.Tensor {
  const large = tf.greaterEqual(a, 8);
  const al = tf.where(large, a, tf.fill(a.shape, 8));
  const stirling = tf.add(
    tf.add(tf.mul(0.5, tf.log(al)), tf.sub(tf.mul(al, log1p(tf.div(0.5, al))), 0.5)),
    tf.sub(stirlingCorrection(tf.add(al, 0.5)), stirlingCorrection(al)),
  );
  return tf.where(large, stirling, tf.sub(lgamma(tf.add(a, 0.5)), lgamma(a)));
}

/**
 * ψ(a + ½) − ψ(a), which tends to 1/(2a): from a = 8 by the asymptotic series of ψ,
 * log1p(1/(2a)) + 1/(2a) − 1/(2a + 1) − c(a + ½) + c(a), with c(x) = log x − 1/(2x) − ψ(x).
 */
function digammaHalfStep(a: tf.Tensor): tf.Tensor {
  const large = tf.greaterEqual(a, 8);
  const al = tf.where(large, a, tf.fill(a.shape, 8));
  const series = tf.add(
    tf.sub(tf.add(log1p(tf.div(0.5, al)), tf.div(0.5, al)), tf.reciprocal(tf.add(tf.mul(al, 2), 1))),
    tf.sub(digammaCorrection(al), digammaCorrection(tf.add(al, 0.5))),
  );
  return tf.where(large, series, tf.sub(digamma(tf.add(a, 0.5)), digamma(a)));
}

// Above this many degrees of freedom the cdf is the normal one: they differ by less than 2e-5.
const NORMAL_DF = 1e4;

/**
 * Student's t distribution with ν degrees of freedom: density
 * Γ((ν+1)/2) / (Γ(ν/2) √(νπ) σ) · (1 + z²/ν)^{−(ν+1)/2}, z = (x − μ)/σ, batched
 * over the broadcast shape of `df`, `loc` and `scale`; scalar events. A
 * heavy-tailed, robust likelihood; the Cauchy at ν = 1 and the Normal as
 * ν → ∞ (the log-density and entropy stay accurate up to ν = 1e6 and beyond).
 * Reparameterised, in ν too: x = μ + σ ε √(ν / 2g) with ε ~ N(0, 1) and
 * g ~ Gamma(ν/2, 1) (implicit gradients). As torch, the mean is NaN for
 * ν ≤ 1 and the variance NaN for ν ≤ 1 and Infinity for 1 < ν ≤ 2.
 *
 * @example
 * ```ts
 * const robust = new StudentT({ df: 3, loc: 0, scale: 1 });
 * robust.logProb([0, 10]).print(); // [-1.0009, -8.0731]: 10 scales away costs 7 nats more, not 50
 * ```
 */
export class StudentT extends Distribution {
  /** ν (as given). */
  readonly df: tf.Tensor;
  /** μ (as given). */
  readonly loc: tf.Tensor;
  /** σ (as given). */
  readonly scale: tf.Tensor;

  constructor(parameters: StudentTParameters, options: DistributionOptions = {}) {
    super('StudentT', options);
    try {
      const { df, loc, scale } = checkParameters(this.name, parameters, '{ df, loc, scale }');
      this.df = this.parameter('df', df, constraints.positive);
      this.loc = this.parameter('loc', loc, constraints.finite);
      this.scale = this.parameter('scale', scale, constraints.positive);
      const shape = broadcastShapes(this.name, broadcastShapes(this.name, this.df.shape, this.loc.shape, 'df and loc shapes'), this.scale.shape, 'df, loc and scale shapes');
      this.setShapes(shape, []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): StudentT {
    return new StudentT({ df: stopGradient(this.df), loc: stopGradient(this.loc), scale: stopGradient(this.scale) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const [normalSeed, gammaSeed] = splitSeed(seed, 2) as [Seed, Seed];
    const half = tf.mul(expandTo(this.df, this.batchShape), 0.5);
    const g = standardGamma(half, n, gammaSeed);
    const eps = randomNormal([n, ...this.batchShape], { seed: normalSeed });
    return tf.add(this.loc, tf.mul(this.scale, tf.mul(eps, tf.sqrt(tf.div(half, g)))));
  }

  /** log Γ((ν+1)/2) − log Γ(ν/2) − ½ log νπ − log σ − (ν+1)/2 · log1p(z²/ν). */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(this.checkValue(value), this.loc), this.scale);
      return tf.sub(standardLogDensity(this.df, z), tf.log(this.scale));
    });
  }

  /**
   * P(X ≤ x): with z = (x − μ)/σ, ½ I_{ν/(ν+z²)}(ν/2, ½) below μ and one minus it above
   * (the incomplete beta function, its complement z²/(ν+z²) computed directly); for ν > 1e4 the
   * normal cdf, within 2e-5 of it there. Within 3e-5 of scipy for ν from 0.5 to 1e6. Differentiable.
   */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'StudentT.cdf');
      const shape = broadcastShapes('StudentT.cdf', x.shape, this.batchShape);
      const z = tf.div(tf.sub(tf.broadcastTo(x, shape), expandTo(this.loc, shape)), expandTo(this.scale, shape));
      return standardCdf(expandTo(this.df, shape), z);
    });
  }

  /**
   * The quantile: with q = min(p, 1 − p), |t| = √(ν y / x) where I_x(ν/2, ½) = 2q and y = 1 − x
   * (each side solved where it is small, {@link betaincinv}), negative below p = ½; the normal
   * quantile for ν > 1e4. Then μ + σt. Within 3e-4 relative of scipy. Differentiable in p, μ, σ and ν
   * (implicitly: ∂t/∂ν = −(∂F/∂ν)/f, within 1e-3 of scipy's finite differences).
   */
  icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const q = this.checkValue(p, constraints.unitInterval, 'StudentT.icdf', 'p');
      const shape = broadcastShapes('StudentT.icdf', q.shape, this.batchShape);
      const [prob, nu] = [tf.broadcastTo(q, shape), expandTo(this.df, shape)];
      const t = standardQuantile(stopGradient(nu), stopGradient(prob));
      const carried = withImplicitGradient(t, standardCdf(nu, t), prob, tf.exp(standardLogDensity(stopGradient(nu), t)));
      return tf.add(expandTo(this.loc, shape), tf.mul(expandTo(this.scale, shape), carried));
    });
  }

  /** (ν+1)/2 · (ψ((ν+1)/2) − ψ(ν/2)) + ½ log ν + log B(ν/2, ½) + log σ. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.mul(expandTo(this.df, this.batchShape), 0.5);
      const first = tf.mul(tf.add(a, 0.5), digammaHalfStep(a));
      return tf.add(tf.add(tf.add(first, tf.mul(0.5, tf.log(tf.mul(a, 2)))), lbeta(a, tf.fill(a.shape, 0.5))), tf.log(this.scale));
    });
  }

  /** μ for ν > 1, NaN otherwise (the mean does not exist). */
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const [nu, loc] = [expandTo(this.df, this.batchShape), expandTo(this.loc, this.batchShape)];
      return tf.where(tf.greater(nu, 1), loc, tf.fill(this.batchShape as number[], NaN));
    });
  }

  /** σ² ν / (ν − 2) for ν > 2; Infinity for 1 < ν ≤ 2; NaN for ν ≤ 1. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const nu = expandTo(this.df, this.batchShape);
      const finite = tf.mul(tf.square(this.scale), tf.div(nu, tf.sub(nu, 2)));
      const shape = this.batchShape as number[];
      return tf.where(tf.greater(nu, 2), finite, tf.where(tf.greater(nu, 1), tf.fill(shape, Infinity), tf.fill(shape, NaN)));
    });
  }
}

/** The standard (μ = 0, σ = 1) log-density log Γ((ν+1)/2) − log Γ(ν/2) − ½ log νπ − (ν+1)/2 · log1p(z²/ν). */
function standardLogDensity(nu: tf.Tensor, z: tf.Tensor): tf.Tensor {
  const normaliser = tf.sub(lgammaHalfStep(tf.mul(nu, 0.5)), tf.mul(0.5, tf.log(tf.mul(nu, Math.PI))));
  return tf.sub(normaliser, tf.mul(tf.mul(tf.add(nu, 1), 0.5), log1p(tf.div(tf.square(z), nu))));
}

/** The standard cdf at z (ν and z of one shape): ½ I_{ν/(ν+z²)}(ν/2, ½) or one minus it, the normal cdf above ν = 1e4. */
function standardCdf(nu: tf.Tensor, z: tf.Tensor): tf.Tensor {
  const normal = tf.greater(nu, NORMAL_DF);
  const safeNu = tf.where(normal, tf.onesLike(nu), nu); // keeps the fraction's term count to what the other entries need
  const z2 = tf.square(z);
  const total = tf.add(safeNu, z2);
  const halfTail = tf.mul(regularizedBeta(tf.mul(safeNu, 0.5), tf.fill(z.shape, 0.5), tf.div(safeNu, total), tf.div(z2, total)), 0.5);
  const t = tf.where(tf.greater(z, 0), tf.sub(1, halfTail), halfTail);
  return tf.where(normal, normalCdf(z, 1), t);
}

/** The standard quantile (ν and p of one shape, no gradient): |t| = √(ν y / x) with I_x(ν/2, ½) = 2 min(p, 1 − p), y = 1 − x. */
function standardQuantile(nu: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const normal = tf.greater(nu, NORMAL_DF);
  const safeNu = tf.where(normal, tf.onesLike(nu), nu);
  const lower = tf.less(p, 0.5);
  const tail = tf.mul(tf.where(lower, p, tf.sub(1, p)), 2);
  const [x, y] = inverseBetaPair(tf.mul(safeNu, 0.5), tf.fill(p.shape, 0.5), tail);
  const size = tf.sqrt(tf.div(tf.mul(safeNu, y), x));
  return tf.where(normal, ndtri(p), tf.where(lower, tf.neg(size), size));
}
