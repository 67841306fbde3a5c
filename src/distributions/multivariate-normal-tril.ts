import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../math/to-tensor';
import { stopGradient } from '../math/stop-gradient';
import { describeError, formatValue, NonFiniteError, ShapeError, ValidationError } from '../errors';
import { cholesky } from '../math/cholesky';
import { gather } from '../math/gather';
import { log1p } from '../math/log1p';
import { matrixDiag } from '../math/matrix-diag';
import { matrixDiagPart } from '../math/matrix-diag-part';
import { matrixTranspose } from '../math/matrix-transpose';
import { sum } from '../math/sum';
import { triangularSolve } from '../math/triangular-solve';
import { tril } from '../math/tril';
import { randomNormal } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints, type Constraint } from './constraints';
import { checkParameters } from './validation';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { broadcastShapes, expandTo, sizeOf } from './shapes';
import { checkConstraint } from './validation';
import { centred, mleSample, sampleMean } from './mle-sample';

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Parameters of {@link MultivariateNormalTriL}. */
export interface MultivariateNormalTriLParameters {
  /** Mean, shape `[...batch, d]`. */
  loc: TensorInput;
  /**
   * The lower-triangular Cholesky factor L of the covariance L Lᵀ, with a
   * positive diagonal, shape `[...batch, d, d]`.
   */
  scaleTril: TensorInput;
}

/** `lowerCholesky` on square matrices; other shapes pass here and get a ShapeError just after. */
const lowerCholeskyIfSquare: Constraint = {
  rule: constraints.lowerCholesky.rule,
  firstViolation(values, shape) {
    const square = shape.length >= 2 && shape[shape.length - 1] === shape[shape.length - 2];
    return square ? constraints.lowerCholesky.firstViolation(values, shape) : -1;
  },
};

/** The entries `indices` of `x` along `axis`, in that order (differentiable on every backend). */
function take(x: tf.Tensor, indices: readonly number[], axis: number): tf.Tensor {
  return gather(x, tf.tensor1d([...indices], 'int32'), axis);
}

/**
 * The multivariate normal N(loc, L Lᵀ) over vectors of length `d`, given by
 * the Cholesky factor L = `scaleTril` of its covariance; eventShape `[d]`,
 * batched over the leading dimensions of `loc` and `scaleTril` broadcast
 * together. Reparameterised: x = loc + L ε with ε ~ N(0, I).
 *
 * Every method reads only the lower triangle of `scaleTril` (validation
 * rejects anything above it), so gradients with respect to `scaleTril` are
 * zero above the diagonal and gradient steps keep it lower-triangular.
 * Densities use triangular solves with L, never an inverse or a determinant
 * of the covariance. {@link marginal} and {@link condition} give the
 * Gaussian marginals and conditionals in closed form.
 *
 * @example
 * ```ts
 * const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.8, 0.6]] }); // correlation 0.8
 * const x = p.rsample(100, { seed: 1 });          // [100, 2]
 * p.logProb(x);                                   // [100]
 * p.condition([0], [1.5]).mean().print();         // [1.2]: E[x₁ | x₀ = 1.5]
 * ```
 */
export class MultivariateNormalTriL extends Distribution {
  /** Mean (as given). */
  readonly loc: tf.Tensor;
  /** Lower-triangular Cholesky factor of the covariance (as given). */
  readonly scaleTril: tf.Tensor;

  constructor(parameters: MultivariateNormalTriLParameters, options: DistributionOptions = {}) {
    super('MultivariateNormalTriL', options);
    try {
      const { loc, scaleTril } = checkParameters(this.name, parameters, '{ loc, scaleTril }');
      this.loc = this.parameter('loc', loc, constraints.finite);
      this.scaleTril = this.parameter('scaleTril', scaleTril, lowerCholeskyIfSquare);
      const locShape = this.loc.shape;
      const lShape = this.scaleTril.shape;
      const d = lShape[lShape.length - 1] ?? 0;
      if (this.loc.rank < 1) throw new ShapeError(this.name, 'loc must have at least one dimension, the event [..., d] (got a scalar)');
      if (lShape.length < 2 || lShape[lShape.length - 2] !== d) {
        throw new ShapeError(this.name, `scaleTril must be a batch of square matrices [..., d, d] (got shape [${lShape.join(',')}])`);
      }
      let shape: number[] | undefined;
      try {
        shape = broadcastShapes(this.name, locShape, lShape.slice(0, -1));
      } catch {
        shape = undefined;
      }
      if (shape === undefined || shape[shape.length - 1] !== d) {
        throw new ShapeError(this.name, `loc shape [${locShape.join(',')}] does not fit scaleTril shape [${lShape.join(',')}]: loc must be [...batch, ${d}] for scaleTril [...batch, ${d}, ${d}]`);
      }
      this.setShapes(shape.slice(0, -1), [d]);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  private get d(): number {
    return this.eventShape[0] as number;
  }

  /**
   * The maximum-likelihood multivariate normal for observations `x` of shape
   * `[N, ...batchShape, D]`: `loc` the sample mean and `scaleTril` the
   * Cholesky factor of the sample covariance with divisor N (seed 004's
   * Gaussian MLE). Needs N > D observations that span every direction.
   *
   * @example
   * ```ts
   * const fit = MultivariateNormalTriL.mle([[0, 0], [2, 1], [1, 3], [3, 4]]);
   * fit.loc.print();          // [1.5, 2]
   * fit.covariance().print(); // [[1.25, 1.25], [1.25, 2.5]]
   * ```
   */
  static mle(x: TensorInput): MultivariateNormalTriL {
    const [loc, scaleTril] = tf.tidy(() => {
      const data = mleSample('MultivariateNormalTriL.mle', x, constraints.finite, 2);
      const { mean, deviations } = centred(data);
      const covariance = sampleMean(tf.mul(tf.expandDims(deviations, -1), tf.expandDims(deviations, -2)));
      // A factor with L_ii² below 1e-6 · Σ_ii (float32 rounding of a singular Σ) marks data on a hyperplane: NaN fails validation.
      const factor = cholesky(covariance);
      const degenerate = tf.any(tf.less(tf.square(matrixDiagPart(factor)), tf.mul(1e-6, matrixDiagPart(covariance))), -1);
      return [mean, tf.where(tf.reshape(degenerate, [...degenerate.shape, 1, 1]), tf.fill(factor.shape, NaN), factor)];
    });
    return Distribution.fitted('MultivariateNormalTriL.mle', [loc, scaleTril], () => new MultivariateNormalTriL({ loc, scaleTril }), 'span every direction (N > D points not on one hyperplane), or the MLE covariance is singular');
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): MultivariateNormalTriL {
    return new MultivariateNormalTriL({ loc: stopGradient(this.loc), scaleTril: stopGradient(this.scaleTril) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const { d, batchShape } = this;
    const size = sizeOf(batchShape);
    const eps = randomNormal([n, ...batchShape, d], { seed });
    // One [d, d] x [d, n] product per batch member.
    const scale = tf.reshape(expandTo(tril(this.scaleTril), [...batchShape, d, d]), [size, d, d]);
    const columns = tf.transpose(tf.reshape(eps, [n, size, d]), [1, 2, 0]);
    const draws = tf.transpose(tf.matMul(scale, columns), [2, 0, 1]);
    return tf.add(this.loc, tf.reshape(draws, [n, ...batchShape, d]));
  }

  /**
   * −½‖L⁻¹(x − loc)‖² − Σ log diag(L) − (d/2) log 2π, by a triangular solve;
   * shape `broadcast(value batch, batchShape)`.
   */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { d } = this;
      const diff = tf.expandDims(expandTo(tf.sub(this.checkValue(value), this.loc), [d]), -1);
      const z = triangularSolve(this.scaleTril, diff);
      const logDet = sum(tf.log(matrixDiagPart(this.scaleTril)), -1);
      return tf.sub(tf.mul(sum(tf.square(z), [-2, -1]), -0.5), tf.add(logDet, 0.5 * d * LOG_TWO_PI));
    });
  }

  /** (d/2)(1 + log 2π) + Σ log diag(L). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const logDet = sum(tf.log(matrixDiagPart(this.scaleTril)), -1);
      return expandTo(tf.add(logDet, 0.5 * this.d * (1 + LOG_TWO_PI)), this.batchShape);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(this.loc, [...this.batchShape, this.d]));
  }

  /** The diagonal of L Lᵀ: the row sums of L². */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(sum(tf.square(tril(this.scaleTril)), -1), [...this.batchShape, this.d]));
  }

  /**
   * The covariance matrix L Lᵀ, shape `[...batchShape, d, d]`.
   *
   * @example
   * ```ts
   * new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[2, 0], [1, 1]] }).covariance().print(); // [[4, 2], [2, 2]]
   * ```
   */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const scale = tril(this.scaleTril);
      return expandTo(tf.matMul(scale, matrixTranspose(scale)), [...this.batchShape, this.d, this.d]);
    });
  }

  /**
   * The marginal distribution of the coordinates `indices`, in that order:
   * N(loc[indices], Σ[indices, indices]). Its `scaleTril` is the Cholesky
   * factor of that sub-covariance (exactly the leading block of L when
   * `indices` are 0, 1, …, m−1). The result owns its tensors: dispose it.
   *
   * @param indices - distinct coordinates in [0, d).
   *
   * @example
   * ```ts
   * const p = new MultivariateNormalTriL({ loc: [0, 1, 2], scaleTril: [[1, 0, 0], [0.5, 1, 0], [0.2, 0.3, 1]] });
   * const xz = p.marginal([2, 0]); // the joint law of (x₂, x₀), eventShape [2]
   * ```
   */
  marginal(indices: readonly number[]): MultivariateNormalTriL {
    const picked = this.checkIndices('marginal', indices, false);
    const m = picked.length;
    const [loc, scaleTril] = tf.tidy(() => {
      const scale = tril(this.scaleTril);
      const locM = this.locAt(picked);
      if (picked.every((v, k) => v === k)) return [locM, this.block(scale, 0, 0, m, m)];
      const rows = take(scale, picked, scale.rank - 2);
      return [locM, cholesky(tf.matMul(rows, matrixTranspose(rows)))];
    });
    return this.derived('marginal', loc, scaleTril);
  }

  /**
   * The conditional distribution of the other coordinates (in increasing
   * order) given x[indices] = values: with a the others and b = indices,
   * N(μ_a + Σ_ab Σ_bb⁻¹ (x_b − μ_b), Σ_aa − Σ_ab Σ_bb⁻¹ Σ_ba).
   *
   * Computed without inverting anything: the Cholesky factor of the
   * covariance with b's coordinates first is [[L_bb, 0], [L_ab, L_aa]], where
   * L_ab = Σ_ab L_bb⁻ᵀ and L_aa is the Cholesky factor of the Schur
   * complement, so the conditional mean is μ_a + L_ab L_bb⁻¹(x_b − μ_b) (one
   * triangular solve) and its `scaleTril` is L_aa. `values` may carry batch
   * dimensions of its own: they broadcast with `batchShape`. The result owns
   * its tensors: dispose it.
   *
   * @param indices - the observed coordinates: distinct, in [0, d), not all of them.
   * @param values - their values, shape `[...batch, indices.length]`.
   * @throws NonFiniteError when the conditional covariance is not positive
   *   definite in float32 (the observed coordinates determine the others
   *   almost exactly), where validation can read tensors.
   *
   * @example
   * ```ts
   * const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.8, 0.6]] });
   * const given = p.condition([0], [1.5]); // x₁ | x₀ = 1.5
   * given.mean().print();     // [1.2]  (0.8 · 1.5)
   * given.variance().print(); // [0.36] (1 − 0.8²)
   * ```
   */
  condition(indices: readonly number[], values: TensorInput): MultivariateNormalTriL {
    const where = `${this.name}.condition`;
    const observed = this.checkIndices('condition', indices, true);
    const { d } = this;
    const m = observed.length;
    const rest = Array.from({ length: d }, (_, i) => i).filter((i) => !observed.includes(i));
    const [loc, scaleTril] = tf.tidy(() => {
      const xb = this.observedValues(where, values, m);
      const scale = tril(this.scaleTril);
      const rows = take(scale, [...observed, ...rest], scale.rank - 2);
      const joint = cholesky(tf.matMul(rows, matrixTranspose(rows)));
      const lbb = this.block(joint, 0, 0, m, m);
      const lab = this.block(joint, m, 0, d - m, m);
      const laa = this.block(joint, m, m, d - m, d - m);
      const w = triangularSolve(lbb, tf.expandDims(tf.sub(xb, this.locAt(observed)), -1)); // [..., m, 1]
      const shift = sum(tf.mul(lab, matrixTranspose(w)), -1);
      return [tf.add(this.locAt(rest), shift), laa];
    });
    return this.derived('condition', loc, scaleTril);
  }

  /**
   * The mutual information I(x_a; x_b) between two disjoint blocks of
   * coordinates, in nats, shape `batchShape`: ½ log(det Σ_aa det Σ_bb / det Σ_{a∪b}).
   * Computed without subtracting log-determinants: with the Cholesky factor
   * [[L_aa, 0], [L_ba, L_bb]] of the covariance of (x_a, x_b), it is
   * ½ log det(I + M Mᵀ) for M = L_bb⁻¹ L_ba, exactly 0 for independent
   * blocks and relatively accurate for weak dependence (5e-7 nats at a
   * correlation of 1e-3).
   *
   * @example
   * ```ts
   * const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.8, 0.6]] }); // correlation 0.8
   * p.mutualInformation([0], [1]).print(); // 0.5108 = −½ log(1 − 0.8²)
   * ```
   */
  mutualInformation(a: readonly number[], b: readonly number[]): tf.Tensor {
    const first = this.checkIndices('mutualInformation', a, false);
    const second = this.checkIndices('mutualInformation', b, false);
    if (second.some((i) => first.includes(i))) {
      throw new ValidationError(`${this.name}.mutualInformation`, 'b', 'share no coordinate with a', undefined, `${formatValue(b)} and a = ${formatValue(a)}`);
    }
    return tf.tidy(() => {
      const [m, k] = [first.length, second.length];
      const scale = tril(this.scaleTril);
      const rows = take(scale, [...first, ...second], scale.rank - 2);
      const joint = cholesky(tf.matMul(rows, matrixTranspose(rows)));
      const mixed = triangularSolve(this.block(joint, m, m, k, k), this.block(joint, m, 0, k, m)); // L_bb⁻¹ L_ba
      // log det(I + S) = Σ log F_ii² for F = chol(I + S), with F_ii² − 1 = S_ii − Σ_{j<i} F_ij² taken
      // from S itself, not from the rounded F_ii: log1p keeps information of 1e-7 and below.
      const s = tf.matMul(mixed, matrixTranspose(mixed));
      const factor = cholesky(tf.add(tf.eye(k), s));
      const offDiagonal = tf.sub(factor, matrixDiag(matrixDiagPart(factor)));
      const excess = tf.sub(matrixDiagPart(s), sum(tf.square(offDiagonal), -1));
      return expandTo(tf.mul(0.5, sum(log1p(excess), -1)), this.batchShape);
    });
  }

  /** loc at the given coordinates, shape `[...loc batch, indices.length]`. */
  private locAt(indices: readonly number[]): tf.Tensor {
    const loc = expandTo(this.loc, [...this.loc.shape.slice(0, -1), this.d]);
    return take(loc, indices, loc.rank - 1);
  }

  /** The block of rows r0.. and columns c0.. of a batch of matrices. */
  private block(x: tf.Tensor, r0: number, c0: number, rows: number, cols: number): tf.Tensor {
    const batch = x.shape.slice(0, -2);
    return tf.slice(x, [...batch.map(() => 0), r0, c0], [...batch.map(() => -1), rows, cols]);
  }

  private checkIndices(method: string, indices: readonly number[], conditioning: boolean): number[] {
    const where = `${this.name}.${method}`;
    const { d } = this;
    if (!Array.isArray(indices) || indices.length === 0) {
      throw new ValidationError(where, 'indices', 'be a non-empty array of coordinates', indices);
    }
    const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= d);
    if (bad !== undefined) {
      throw new ValidationError(where, 'indices', `be integers in [0, ${d - 1}]`, undefined, `${formatValue(bad)} in ${formatValue(indices)}`);
    }
    if (new Set(indices).size !== indices.length) throw new ValidationError(where, 'indices', 'be distinct', indices);
    if (conditioning && indices.length === d) {
      throw new ValidationError(where, 'indices', `leave at least one of the ${d} coordinates unobserved`, indices);
    }
    return [...indices];
  }

  /** The observed values as a float32 tensor `[..., m]`, checked. Call inside `tf.tidy`. */
  private observedValues(where: string, values: TensorInput, m: number): tf.Tensor {
    const x = toTensor(where, 'values', values);
    if (x.rank < 1 || x.shape[x.rank - 1] !== m) {
      throw new ShapeError(where, `values must have shape [..., ${m}], one value per index (got [${x.shape.join(',')}])`);
    }
    broadcastShapes(where, x.shape.slice(0, -1), this.batchShape, 'values batch shape and batchShape');
    if (this.validateArgs) {
      checkConstraint(where, 'values', x, x.shape, constraints.finite);
    }
    return x;
  }

  /** A distribution made from tensors computed here, owning them; a clear error if float32 broke them. */
  private derived(method: string, loc: tf.Tensor, scaleTril: tf.Tensor): MultivariateNormalTriL {
    let result: MultivariateNormalTriL;
    try {
      result = new MultivariateNormalTriL({ loc, scaleTril }, { validateArgs: this.validateArgs });
    } catch (e) {
      tf.dispose([loc, scaleTril]);
      if (!(e instanceof ValidationError)) throw e;
      throw new NonFiniteError(
        `${this.name}.${method}`,
        `the resulting covariance is not positive definite in float32 (${describeError(e)}): the coordinates are (nearly) linearly dependent`,
      );
    }
    result.own(loc);
    result.own(scaleTril);
    return result;
  }
}
