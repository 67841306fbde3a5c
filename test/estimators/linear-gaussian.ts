/**
 * The linear-Gaussian latent model the estimator tests check against:
 * z ~ N(0, I_dz), x | z ~ N(W z + b, σ² I_dx). Exact answers in float64:
 * evidence p(x) = N(b, W Wᵀ + σ² I), posterior p(z | x) = N(μ, Σ) with
 * Σ = (I + Wᵀ W / σ²)⁻¹ and μ = Σ Wᵀ (x − b) / σ².
 */
import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalDiag, MultivariateNormalTriL, Normal, Independent } from '../../src/index';

export interface LinearGaussian {
  /** dx × dz */
  W: number[][];
  /** dx */
  b: number[];
  sigma: number;
  /** N data points, each dx */
  x: number[][];
}

type Matrix = number[][];

const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const identity = (n: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** Lower Cholesky factor of a symmetric positive-definite matrix (float64). */
export function cholesky64(a: Matrix): Matrix {
  const n = a.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  }
  return l;
}

/** Solves L y = r for lower-triangular L (float64). */
function forwardSolve(l: Matrix, r: number[]): number[] {
  const y: number[] = [];
  r.forEach((ri, i) => y.push((ri - y.reduce((s, yj, j) => s + l[i]![j]! * yj, 0)) / l[i]![i]!));
  return y;
}

/** Inverse of a symmetric positive-definite matrix via its Cholesky factor (float64). */
function inverseSpd(a: Matrix): Matrix {
  const l = cholesky64(a);
  const n = a.length;
  const linv = transpose(identity(n).map((e) => forwardSolve(l, e))); // columns: L⁻¹ e_i
  return matmul(transpose(linv), linv);
}

/** log N(x; mean, cov) in float64. */
export function logNormal64(x: number[], mean: number[], cov: Matrix): number {
  const l = cholesky64(cov);
  const y = forwardSolve(l, x.map((v, i) => v - mean[i]!));
  const logDet = l.reduce((s, row, i) => s + Math.log(row[i]!), 0);
  return -0.5 * y.reduce((s, v) => s + v * v, 0) - logDet - 0.5 * x.length * Math.log(2 * Math.PI);
}

/** log p(x) per data point, exact. */
export function exactLogEvidence(m: LinearGaussian): number[] {
  const cov = matmul(m.W, transpose(m.W)).map((row, i) => row.map((v, j) => v + (i === j ? m.sigma ** 2 : 0)));
  return m.x.map((xi) => logNormal64(xi, m.b, cov));
}

/** The exact posterior: means (one row per data point) and the shared covariance. */
export function exactPosterior(m: LinearGaussian): { mean: Matrix; cov: Matrix } {
  const precision = matmul(transpose(m.W), m.W).map((row, i) => row.map((v, j) => v / m.sigma ** 2 + (i === j ? 1 : 0)));
  const cov = inverseSpd(precision);
  const mean = m.x.map((xi) => {
    const r = transpose(m.W).map((col) => col.reduce((s, w, k) => s + (w * (xi[k]! - m.b[k]!)) / m.sigma ** 2, 0));
    return cov.map((row) => row.reduce((s, c, j) => s + c * r[j]!, 0));
  });
  return { mean, cov };
}

/** The posterior as a MultivariateNormalTriL with batchShape [N]. */
export function posteriorQ(m: LinearGaussian): MultivariateNormalTriL {
  const { mean, cov } = exactPosterior(m);
  return new MultivariateNormalTriL({ loc: mean, scaleTril: cholesky64(cov) });
}

/** A diagonal Gaussian q with batchShape [N]: a deliberately imperfect variational posterior. */
export function diagonalQ(loc: Matrix, scale: Matrix): MultivariateNormalDiag {
  return new MultivariateNormalDiag({ loc, scaleDiag: scale });
}

/** The prior N(0, I_dz) batched over the N data points (an Independent of Normals). */
export function prior(m: LinearGaussian): Independent {
  return new Independent(new Normal({ loc: tf.zeros([m.x.length, m.W[0]!.length]), scale: 1 }), 1);
}

/** log p(x | z) for z `[S, N, dz]`, shape `[S, N]`. Call inside tf.tidy. */
export function logLikelihood(m: LinearGaussian): (z: tf.Tensor) => tf.Tensor {
  return (z) => {
    const [s, n, dz] = z.shape as [number, number, number];
    const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [s * n, dz]), tf.transpose(tf.tensor2d(m.W))), [s, n, m.b.length]), tf.tensor1d(m.b));
    const r = tf.div(tf.sub(tf.tensor2d(m.x), mean), m.sigma);
    const perDim = tf.sub(tf.mul(tf.square(r), -0.5), Math.log(m.sigma) + 0.5 * Math.log(2 * Math.PI));
    return tf.sum(perDim, -1);
  };
}

/** log p(x, z) = log p(z) + log p(x | z) for z `[S, N, dz]`, shape `[S, N]`. */
export function logJoint(m: LinearGaussian): (z: tf.Tensor) => tf.Tensor {
  const likelihood = logLikelihood(m);
  return (z) => tf.add(tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * Math.log(2 * Math.PI)), -1), likelihood(z));
}

/** A fixed small model: dz = 2, dx = 3, N = 4 data points. */
export const MODEL: LinearGaussian = {
  W: [
    [1.0, -0.5],
    [0.3, 0.8],
    [-0.7, 0.2],
  ],
  b: [0.5, -1, 0.25],
  sigma: 0.7,
  x: [
    [0.2, -0.4, 1.1],
    [1.5, 0.3, -0.2],
    [-0.8, -1.6, 0.9],
    [0.0, 0.0, 0.0],
  ],
};
