import * as tf from '@tensorflow/tfjs-core';
import { cholesky } from '../math/cholesky';
import { matrixDiagPart } from '../math/matrix-diag-part';
import { matrixTranspose } from '../math/matrix-transpose';
import { sum } from '../math/sum';
import { triangularSolve } from '../math/triangular-solve';
import { toFloat } from '../math/to-float';
import { precisionCholeskyOnHost } from './gaussian-mixture-host-cholesky';
import { normalizeLogWeights } from './gaussian-mixture-normalize';
import { spreadRow } from './gaussian-mixture-spread';

/** The covariance structures of {@link GaussianMixture}, as in scikit-learn. */
export type CovarianceType = 'full' | 'diag' | 'spherical' | 'tied';

/**
 * The parameters of a Gaussian mixture in scikit-learn's layout: `weights`
 * [K], `means` [K, D], and `covariances` / `precisionsCholesky` of shape
 * [K, D, D] (full), [D, D] (tied), [K, D] (diag) or [K] (spherical).
 * `precisionsCholesky` is any C with C Cᵀ = Σ⁻¹ (scikit-learn's (L⁻¹)ᵀ after
 * an M-step, the lower Cholesky factor of an explicit precision).
 *
 * @example
 * ```ts
 * const params: GaussianMixtureParameters = { weights, means, covariances, precisionsCholesky };
 * ```
 */
export interface GaussianMixtureParameters {
  weights: tf.Tensor;
  means: tf.Tensor;
  covariances: tf.Tensor;
  precisionsCholesky: tf.Tensor;
  [key: string]: tf.Tensor;
}

/**
 * Per-fit constants of the data (already centred): `design` [N, 1 + D] =
 * [1, X] (full, tied) or [N, 1 + 2D] = [1, X, X²] (diag, spherical), whose
 * product with a small matrix gives every component's log-density in one
 * matMul; `statistics` holds the columns whose responsibility-weighted sums
 * make an M-step in one matMul — [1, X, X⊗X] (full), [1, X] (tied),
 * [1, X, X²] (diag, spherical: the same tensor as `design`) — and `scatter`
 * is XᵀX for tied covariances. Both stay the right-hand operand of their
 * matMuls: wasm caches the packed form of that operand per tensor, so a
 * fresh [N, ·] one would be repacked every iteration.
 *
 * @example
 * ```ts
 * const data = prepareData(xCentred, 'full');
 * ```
 */
export interface PreparedData {
  x: tf.Tensor;
  design: tf.Tensor;
  statistics?: tf.Tensor;
  scatter?: tf.Tensor;
}

const LOG_2PI = Math.log(2 * Math.PI);
// scikit-learn adds 10·(float64 machine epsilon) to every component's weight so that none is zero.
const NK_FLOOR = 10 * 2.220446049250313e-16;

/**
 * The per-fit design matrices of {@link PreparedData} (the caller owns the
 * tensors; `x` is copied). With `forMStep` false, only what an E-step reads.
 * Built row-wise and transposed once: a column-wise concat is ~4x slower on wasm.
 *
 * @example
 * ```ts
 * const data = prepareData(x, 'diag'); // data.design: [N, 1 + 2D]
 * ```
 */
export function prepareData(x: tf.Tensor, type: CovarianceType, forMStep = true): PreparedData {
  return tf.tidy(() => {
    const [n, d] = x.shape as [number, number];
    const xT = tf.transpose(x);
    const ones = tf.ones([1, n]);
    const rows = type === 'full' || type === 'tied' ? tf.concat([ones, xT], 0) : tf.concat([ones, xT, tf.square(xT)], 0);
    const design = tf.transpose(rows);
    if (!forMStep) return { x: tf.clone(x), design };
    if (type === 'tied') return { x: tf.clone(x), design, statistics: design, scatter: tf.matMul(xT, x) };
    if (type === 'full') {
      const outer = tf.reshape(tf.mul(tf.reshape(xT, [d, 1, n]), tf.reshape(xT, [1, d, n])), [d * d, n]);
      return { x: tf.clone(x), design, statistics: tf.transpose(tf.concat([rows, outer], 0)) };
    }
    return { x: tf.clone(x), design, statistics: design };
  });
}

/**
 * log π_k + log N(x_n; μ_k, Σ_k) for every point and component, [N, K], by
 * one 2-D matMul of the {@link prepareData} design (scikit-learn's
 * `_estimate_weighted_log_prob`). For diag and spherical covariances every
 * term — constants included — is folded into the [1 + 2D, K] right-hand side.
 *
 * @example
 * ```ts
 * const weighted = weightedLogProb(data, params, 'full');
 * ```
 */
export function weightedLogProb(
  data: PreparedData,
  params: Pick<GaussianMixtureParameters, 'weights' | 'means' | 'precisionsCholesky'>,
  type: CovarianceType,
): tf.Tensor {
  return tf.tidy(() => {
    const { weights, means, precisionsCholesky } = params;
    const [n, d] = data.x.shape as [number, number];
    const k = means.shape[0] as number;
    const logWeights = tf.reshape(tf.log(weights), [1, k]);
    if (type === 'full' || type === 'tied') {
      const p = type === 'tied' ? tf.tile(tf.reshape(precisionsCholesky, [1, d, d]), [k, 1, 1]) : precisionsCholesky;
      // W[:, k·D + e] = P_k[:, e]: every component's whitening in one [D, K·D] matrix, and −μ_kᵀP_k in the row of the ones.
      const w = tf.reshape(tf.transpose(p, [1, 0, 2]), [d, k * d]);
      const shift = tf.reshape(tf.matMul(tf.reshape(means, [k, 1, d]), p), [1, k * d]);
      const y = tf.matMul(data.design, tf.concat([tf.neg(shift), w], 0));
      const quadratic = tf.sum(tf.reshape(tf.square(y), [n, k, d]), 2);
      const logDet = tf.reshape(tf.sum(tf.log(matrixDiagPart(p)), -1), [1, k]);
      const constant = tf.add(tf.add(logDet, logWeights), -0.5 * d * LOG_2PI);
      return tf.add(tf.mul(quadratic, -0.5), spreadRow(constant, n));
    }
    const c = type === 'spherical' ? tf.tile(tf.reshape(precisionsCholesky, [k, 1]), [1, d]) : precisionsCholesky;
    const precisions = tf.square(c);
    const meanPrecision = tf.mul(means, precisions);
    // −½‖x − μ‖²_P = −½μᵀPμ + xᵀPμ − ½(x²)ᵀ diag P: [1, x, x²] · B, the constants in B's first row.
    const logDet = tf.sum(tf.log(c), 1);
    const constant = tf.add(tf.add(tf.mul(tf.sum(tf.mul(meanPrecision, means), 1), -0.5), logDet), -0.5 * d * LOG_2PI);
    const b = tf.concat([tf.add(tf.reshape(constant, [1, k]), logWeights), tf.transpose(meanPrecision), tf.mul(tf.transpose(precisions), -0.5)], 0);
    return tf.matMul(data.design, b);
  });
}

/**
 * The E-step: responsibilities [N, K] (normalised in log space by a
 * log-sum-exp over the components, {@link normalizeLogWeights}) and the
 * per-point log p(x_n) [N].
 *
 * @example
 * ```ts
 * const { responsibilities, logProbNorm } = eStepTensors(data, params, 'full');
 * ```
 */
export function eStepTensors(
  data: PreparedData,
  params: Pick<GaussianMixtureParameters, 'weights' | 'means' | 'precisionsCholesky'>,
  type: CovarianceType,
): { responsibilities: tf.Tensor; logProbNorm: tf.Tensor } {
  return tf.tidy(() => {
    return normalizeLogWeights(weightedLogProb(data, params, type));
  });
}

/** The mean of a vector, summed accurately (a scalar tensor). */
export function meanOf(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.div(sum(v), v.size));
}

// The fast M-step takes covariances as E[xxᵀ] − μμᵀ; in float32 that loses about
// eps·E[x²]/σ² relative: past this ratio (a component shrinking far from the data's centre,
// e.g. onto duplicated points) the covariances are recomputed from centred differences.
// At 1e3, iris with K = 4..6 on wasm lost enough for the log-likelihood to fall (2.5e-4); at 30 the
// bench's well-separated data took the slow path too (2.5x slower). 200 passes both.
const CANCELLATION_LIMIT = 200;

/**
 * The M-step: scikit-learn's `_estimate_gaussian_parameters` (with
 * `regCovar` on the diagonal), the weights normalised, and the precision
 * Cholesky factors. One [K, N] × [N, ·] matMul gathers every weighted sum;
 * when a component's covariance is small against its second moment (where
 * E[xxᵀ] − μμᵀ cancels in float32), the covariances are recomputed from
 * centred differences instead. Reads one boolean (diag, spherical), or the
 * boolean with the covariances, whose Cholesky factors are computed on the
 * host ({@link precisionCholeskyOnHost}; full, tied).
 *
 * @example
 * ```ts
 * const next = await mStep(data, responsibilities, 'diag', 1e-6);
 * ```
 */
export async function mStep(data: PreparedData, responsibilities: tf.Tensor, type: CovarianceType, regCovar: number): Promise<GaussianMixtureParameters> {
  const { params, accurate } = mStepTensors(data, responsibilities, type, regCovar);
  const { weights, means } = params;
  let { covariances } = params;
  const onHost = type === 'full' || type === 'tied';
  let values: Float32Array | undefined;
  let ok: boolean;
  if (onHost) {
    const packed = tf.tidy(() => tf.concat([tf.reshape(covariances, [-1]), tf.reshape(toFloat(accurate), [1])]));
    const read = (await packed.data()) as Float32Array;
    packed.dispose();
    ok = read[read.length - 1] === 1;
    values = read.subarray(0, read.length - 1);
  } else ok = (await accurate.data())[0] === 1;
  accurate.dispose();
  if (!ok) {
    const exact = exactCovariances(data.x, responsibilities, means, type, regCovar);
    covariances.dispose();
    covariances = exact;
    if (onHost) values = (await exact.data()) as Float32Array;
  }
  if (!onHost) return { weights, means, covariances, precisionsCholesky: precisionCholeskyFromCovariances(covariances, type) };
  const d = covariances.shape[covariances.rank - 1] as number;
  const precisionsCholesky = tf.tensor(precisionCholeskyOnHost(values as Float32Array, covariances.size / (d * d), d), covariances.shape, 'float32');
  return { weights, means, covariances, precisionsCholesky };
}

/**
 * The fast M-step of {@link mStep} (weights, means, covariances) and whether
 * its covariances are accurate (a boolean scalar: no cancellation beyond
 * `CANCELLATION_LIMIT`).
 *
 * @example
 * ```ts
 * const { params, accurate } = mStepTensors(data, resp, 'full', 1e-6);
 * ```
 */
export function mStepTensors(
  data: PreparedData,
  responsibilities: tf.Tensor,
  type: CovarianceType,
  regCovar: number,
): { params: Pick<GaussianMixtureParameters, 'weights' | 'means' | 'covariances'>; accurate: tf.Tensor } {
  return tf.tidy(() => {
    const d = data.x.shape[1] as number;
    const k = responsibilities.shape[1] as number;
    const sums = tf.matMul(tf.transpose(responsibilities), data.statistics as tf.Tensor); // [K, 1 + ...]
    const nk = tf.add(tf.slice(sums, [0, 0], [k, 1]), NK_FLOOR); // [K, 1]
    const means = tf.div(tf.slice(sums, [0, 1], [k, d]), nk);
    let covariances: tf.Tensor;
    let secondDiag: tf.Tensor;
    let varianceDiag: tf.Tensor;
    if (type === 'full') {
      const second = tf.reshape(tf.div(tf.slice(sums, [0, 1 + d], [k, d * d]), nk), [k, d, d]);
      const meanOuter = tf.mul(tf.reshape(means, [k, d, 1]), tf.reshape(means, [k, 1, d]));
      covariances = tf.add(tf.sub(second, meanOuter), tf.mul(tf.eye(d), regCovar));
      secondDiag = matrixDiagPart(second);
      varianceDiag = matrixDiagPart(covariances);
    } else if (type === 'tied') {
      const total = tf.sum(nk);
      const between = tf.matMul(tf.transpose(tf.mul(means, nk)), means);
      const scatter = data.scatter as tf.Tensor;
      covariances = tf.add(tf.div(tf.sub(scatter, between), total), tf.mul(tf.eye(d), regCovar));
      secondDiag = tf.div(matrixDiagPart(scatter), total);
      varianceDiag = matrixDiagPart(covariances);
    } else {
      secondDiag = tf.div(tf.slice(sums, [0, 1 + d], [k, d]), nk);
      const diag = tf.add(tf.sub(secondDiag, tf.square(means)), regCovar);
      covariances = type === 'diag' ? diag : tf.mean(diag, 1);
      varianceDiag = type === 'diag' ? diag : tf.reshape(covariances, [k, 1]);
    }
    const weights = tf.reshape(tf.div(nk, tf.sum(nk)), [k]);
    const accurate = tf.logicalAnd(tf.all(tf.greater(varianceDiag, 0)), tf.all(tf.lessEqual(secondDiag, tf.mul(varianceDiag, CANCELLATION_LIMIT))));
    return { params: { weights, means, covariances }, accurate };
  });
}

/**
 * Covariances from centred differences x_n − μ_k (scikit-learn's formulas
 * exactly; [N, K, D] work, so slower than the fast M-step).
 *
 * @example
 * ```ts
 * const covariances = exactCovariances(x, resp, means, 'full', 1e-6);
 * ```
 */
export function exactCovariances(x: tf.Tensor, responsibilities: tf.Tensor, means: tf.Tensor, type: CovarianceType, regCovar: number): tf.Tensor {
  return tf.tidy(() => {
    const [n, d] = x.shape as [number, number];
    const k = means.shape[0] as number;
    const nk = tf.add(tf.reshape(sum(responsibilities, 0), [k, 1]), NK_FLOOR);
    const diff = tf.sub(tf.reshape(x, [n, 1, d]), tf.reshape(means, [1, k, d])); // [N, K, D]
    const weighted = tf.mul(diff, tf.reshape(responsibilities, [n, k, 1]));
    if (type === 'full' || type === 'tied') {
      const scatter = tf.matMul(tf.transpose(weighted, [1, 2, 0]), tf.transpose(diff, [1, 0, 2])); // [K, D, D]
      const regulariser = tf.mul(tf.eye(d), regCovar);
      if (type === 'full') return tf.add(tf.div(scatter, tf.reshape(nk, [k, 1, 1])), regulariser);
      return tf.add(tf.div(tf.sum(scatter, 0), tf.sum(nk)), regulariser);
    }
    const diag = tf.add(tf.div(sum(tf.mul(weighted, diff), 0), nk), regCovar);
    return type === 'diag' ? diag : tf.mean(diag, 1);
  });
}

/**
 * scikit-learn's `_compute_precision_cholesky`: (L⁻¹)ᵀ with L the lower
 * Cholesky factor of each covariance (full, tied), 1/√σ² otherwise. A
 * matrix that is not positive definite gives NaN.
 *
 * @example
 * ```ts
 * const c = precisionCholeskyFromCovariances(tf.tensor([[[4, 0], [0, 1]]]), 'full'); // [[[0.5, 0], [0, 1]]]
 * ```
 */
export function precisionCholeskyFromCovariances(covariances: tf.Tensor, type: CovarianceType): tf.Tensor {
  return tf.tidy(() => {
    if (type === 'diag' || type === 'spherical') return tf.rsqrt(covariances);
    const d = covariances.shape[covariances.rank - 1] as number;
    const l = cholesky(covariances);
    const identity = covariances.rank === 3 ? tf.tile(tf.reshape(tf.eye(d), [1, d, d]), [covariances.shape[0] as number, 1, 1]) : tf.eye(d);
    return matrixTranspose(triangularSolve(l, identity));
  });
}

/**
 * From explicit precisions: the lower Cholesky factor of each precision
 * (full, tied) or √precision, as scikit-learn's `_initialize`, and the
 * covariances (the inverses).
 *
 * @example
 * ```ts
 * const { precisionsCholesky, covariances } = fromPrecisions(tf.tensor([4, 1]), 'spherical');
 * ```
 */
export function fromPrecisions(precisions: tf.Tensor, type: CovarianceType): { precisionsCholesky: tf.Tensor; covariances: tf.Tensor } {
  return tf.tidy(() => {
    if (type === 'diag' || type === 'spherical') return { precisionsCholesky: tf.sqrt(precisions), covariances: tf.reciprocal(precisions) };
    const d = precisions.shape[precisions.rank - 1] as number;
    const c = cholesky(precisions);
    const identity = precisions.rank === 3 ? tf.tile(tf.reshape(tf.eye(d), [1, d, d]), [precisions.shape[0] as number, 1, 1]) : tf.eye(d);
    const inverse = triangularSolve(c, identity); // C⁻¹, and Σ = C⁻ᵀ C⁻¹
    return { precisionsCholesky: c, covariances: tf.matMul(matrixTranspose(inverse), inverse) };
  });
}

/**
 * The lower Cholesky factor of every component's covariance, [K, D, D], for
 * sampling and {@link MixtureSameFamily}.
 *
 * @example
 * ```ts
 * const scaleTril = scaleTrilOf(params.covariances, 'diag', 3);
 * ```
 */
export function scaleTrilOf(covariances: tf.Tensor, type: CovarianceType, k: number, d: number): tf.Tensor {
  return tf.tidy(() => {
    if (type === 'full') return cholesky(covariances);
    if (type === 'tied') return tf.tile(tf.reshape(cholesky(covariances), [1, d, d]), [k, 1, 1]);
    const variances = type === 'diag' ? covariances : tf.tile(tf.reshape(covariances, [k, 1]), [1, d]);
    return tf.mul(tf.reshape(tf.sqrt(variances), [k, 1, d]), tf.reshape(tf.eye(d), [1, d, d]));
  });
}

/** Free parameters of a mixture, for BIC and AIC (scikit-learn's `_n_parameters`). */
export function parameterCount(type: CovarianceType, k: number, d: number): number {
  const covariance = type === 'full' ? (k * d * (d + 1)) / 2 : type === 'diag' ? k * d : type === 'tied' ? (d * (d + 1)) / 2 : k;
  return covariance + k * d + k - 1;
}

/** Whether every value of a tensor is finite (async: reads one boolean). */
export async function allFinite(t: tf.Tensor): Promise<boolean> {
  const ok = tf.tidy(() => tf.all(tf.isFinite(t)));
  const value = (await ok.data())[0];
  ok.dispose();
  return value === 1;
}

/** Whether a covariance is positive in every variance and gives a finite Cholesky (async). */
export async function logDetFinite(precisionsCholesky: tf.Tensor, type: CovarianceType): Promise<boolean> {
  const ok = tf.tidy(() => {
    const diag = type === 'full' || type === 'tied' ? matrixDiagPart(precisionsCholesky) : precisionsCholesky;
    return tf.logicalAnd(tf.all(tf.isFinite(diag)), tf.all(tf.greater(diag, 0)));
  });
  const value = (await ok.data())[0];
  ok.dispose();
  return value === 1;
}
