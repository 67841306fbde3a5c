import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { ShapeError } from '../errors';
import { matrixDiag } from '../math/matrix-diag';
import { sum } from '../math/sum';
import { randomNormal } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints } from './constraints';
import { checkParameters } from './validation';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { broadcastShapes, expandTo, sumToShape } from './shapes';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link MultivariateNormalDiag}. */
export interface MultivariateNormalDiagParameters {
  /** Mean, shape `[...batch, d]`. */
  loc: TensorInput;
  /** Standard deviations of the coordinates, positive, shape `[...batch, d]` (broadcasts with `loc`). */
  scaleDiag: TensorInput;
}

/**
 * The multivariate normal N(loc, diag(scaleDiag²)) over vectors of length
 * `d`: independent coordinates, eventShape `[d]`, batched over the leading
 * dimensions of `loc` and `scaleDiag` broadcast together. The same density as
 * `Independent(Normal, 1)`, with closed-form KL divergences to itself and to
 * {@link MultivariateNormalTriL}. Reparameterised: x = loc + scaleDiag · ε
 * with ε ~ N(0, I) — the usual variational posterior of a VAE.
 *
 * @example
 * ```ts
 * const q = new MultivariateNormalDiag({ loc: [0, 1], scaleDiag: [1, 0.5] }); // eventShape [2]
 * const z = q.rsample(10, { seed: 1 }); // [10, 2]
 * q.logProb(z);                          // [10]
 * ```
 */
export class MultivariateNormalDiag extends Distribution {
  /** Mean (as given). */
  readonly loc: tf.Tensor;
  /** Standard deviations of the coordinates (as given). */
  readonly scaleDiag: tf.Tensor;
  // Both given as numbers: tensors made here, on no gradient path, so logProb differentiates in x alone.
  private readonly constantParameters: boolean;

  constructor(parameters: MultivariateNormalDiagParameters, options: DistributionOptions = {}) {
    super('MultivariateNormalDiag', options);
    try {
      const { loc, scaleDiag } = checkParameters(this.name, parameters, '{ loc, scaleDiag }');
      this.constantParameters = !(loc instanceof tf.Tensor) && !(scaleDiag instanceof tf.Tensor);
      this.loc = this.parameter('loc', loc, constraints.finite);
      this.scaleDiag = this.parameter('scaleDiag', scaleDiag, constraints.positive);
      for (const [name, t] of [['loc', this.loc], ['scaleDiag', this.scaleDiag]] as const) {
        if (t.rank < 1) throw new ShapeError(this.name, `${name} must have at least one dimension, the event [..., d] (got a scalar)`);
      }
      const shape = broadcastShapes(this.name, this.loc.shape, this.scaleDiag.shape, 'loc and scaleDiag shapes');
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
  override detach(): MultivariateNormalDiag {
    return new MultivariateNormalDiag({ loc: stopGradient(this.loc), scaleDiag: stopGradient(this.scaleDiag) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const eps = randomNormal([n, ...this.batchShape, ...this.eventShape], { seed });
    return tf.add(this.loc, tf.mul(this.scaleDiag, eps));
  }

  /** −½‖(x − loc)/scaleDiag‖² − Σ log scaleDiag − (d/2) log 2π, shape `broadcast(value batch, batchShape)`. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value);
      return this.constantParameters ? logProbInX(this.loc, this.scaleDiag)(x) : mvnDiagLogProb(x, this.loc, this.scaleDiag);
    });
  }

  /** (d/2)(1 + log 2π) + Σ log scaleDiag. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const d = this.eventShape[0] as number;
      const logDet = sum(tf.log(expandTo(this.scaleDiag, [...this.batchShape, d])), -1);
      return tf.add(logDet, 0.5 * d * (1 + LOG_TWO_PI));
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(this.loc, [...this.batchShape, ...this.eventShape]));
  }

  /** scaleDiag², the diagonal of the covariance. */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.square(this.scaleDiag), [...this.batchShape, ...this.eventShape]));
  }

  override stddev(): tf.Tensor {
    return tf.tidy(() => expandTo(this.scaleDiag, [...this.batchShape, ...this.eventShape]));
  }

  /**
   * The covariance matrix diag(scaleDiag²), shape `[...batchShape, d, d]`.
   *
   * @example
   * ```ts
   * new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 2] }).covariance().print(); // [[1, 0], [0, 4]]
   * ```
   */
  covariance(): tf.Tensor {
    return tf.tidy(() => matrixDiag(this.variance()));
  }
}

/**
 * The log-density as one op for the gradient tape (a VAE evaluates it twice
 * per step; on wasm each taped kernel costs a dispatch and a copy of its
 * inputs). With r = (x − loc) / scale and g the upstream gradient on the
 * event axis: ∂/∂x = −g r / scale, ∂/∂loc = g r / scale, ∂/∂scale = g (r² − 1) / scale.
 */
const mvnDiagLogProb = tf.customGrad((...args) => {
  const [x, loc, scaleDiag, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const { r, value } = logDensity(x, loc, scaleDiag);
  // Saved, not closed over: tfjs frees the forward pass's tensors before the backward pass.
  save([r, scaleDiag]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [rs, scales] = saved as [tf.Tensor, tf.Tensor];
      const g = tf.expandDims(dy, -1);
      const dLoc = tf.div(tf.mul(g, rs), scales);
      const dScale = tf.div(tf.mul(g, tf.sub(tf.square(rs), 1)), scales);
      return [sumToShape(tf.neg(dLoc), x.shape), sumToShape(dLoc, loc.shape), sumToShape(dScale, scaleDiag.shape)];
    },
  };
}) as (x: tf.Tensor, loc: tf.Tensor, scaleDiag: tf.Tensor) => tf.Tensor;

/**
 * The same log-density as an op of x alone, for parameters that are
 * constants (a flow's base, a VAE's prior): the batch-wide reductions of
 * ∂/∂loc and ∂/∂scale, which tfjs's customGrad would compute and throw away,
 * are not made (a flow's training step: 12 kernels fewer).
 */
function logProbInX(loc: tf.Tensor, scaleDiag: tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const { r, value } = logDensity(x, loc, scaleDiag);
    save([r, scaleDiag]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [rs, scales]: tf.Tensor[]) => sumToShape(tf.neg(tf.div(tf.mul(tf.expandDims(dy, -1), rs as tf.Tensor), scales as tf.Tensor)), x.shape),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}

/** r = (x − loc) / scaleDiag and the log-density −½‖r‖² − Σ log scaleDiag − (d/2) log 2π. */
function logDensity(x: tf.Tensor, loc: tf.Tensor, scaleDiag: tf.Tensor): { r: tf.Tensor; value: tf.Tensor } {
  const r = tf.div(tf.sub(x, loc), scaleDiag);
  const d = r.shape[r.rank - 1] as number;
  // A scaleDiag of last axis 1 (one scale for every coordinate) counts d times.
  const scale = scaleDiag.shape[scaleDiag.rank - 1] === d ? scaleDiag : expandTo(scaleDiag, [d]);
  const logDet = sum(tf.log(scale), -1);
  return { r, value: tf.sub(tf.mul(sum(tf.square(r), -1), -0.5), tf.add(logDet, 0.5 * d * LOG_TWO_PI)) };
}
