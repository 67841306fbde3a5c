import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalTriL } from '../distributions/multivariate-normal-tril';
import { checkPositiveInteger, ShapeError, ValidationError } from '../errors';
import { cholesky } from '../math/cholesky';
import { matrixDiagPart } from '../math/matrix-diag-part';
import { sum } from '../math/sum';
import { triangularSolve } from '../math/triangular-solve';
import { randomNormal } from '../random/sampling';
import { randomSeed, splitSeed, type Seed } from '../random/seed';
import { checkData, checkDataSync, toDataMatrix } from './data-matrix';
import { checkSavedHeader, checkSavedSetting, savedArray, savedNumbers, type SavedHeader } from './saved-model';
import { EMError, expectationMaximization, type EMIteration } from './expectation-maximization';
import { runExclusively } from './run-exclusively';
import { symmetricEigen } from './symmetric-eigen';

const LOG_TWO_PI = Math.log(2 * Math.PI);
const NAME = 'ProbabilisticPCA';

/** Options of {@link ProbabilisticPCA}. */
export interface ProbabilisticPCAOptions {
  /** q, the number of latent dimensions: a positive integer below the data dimension. */
  latentDim: number;
  /** `'closed-form'` (default): the exact maximum-likelihood solution; `'em'`: Tipping & Bishop's EM. */
  method?: 'closed-form' | 'em';
  /** EM only: at most this many iterations (default 1000). */
  maxIter?: number;
  /**
   * EM only: stop when the mean log-likelihood per point changes by less than
   * this (default 1e-6). The log-likelihood is float32 and flat at the optimum,
   * so a tol-based stop leaves W about √(float32 ulp) ≈ 1e-3 from it; for the
   * closed form's accuracy pass `tol: 0` and enough `maxIter`.
   */
  tol?: number;
  /** EM's random initial W, and the default seed of {@link ProbabilisticPCA.sample}. */
  seed?: Seed;
  /** EM only: called after every iteration. */
  onIteration?: (progress: EMIteration) => void;
  /** EM only: cancels the fit between iterations. */
  signal?: AbortSignal;
}

/** The fitted parameters, in float64 on the JS side and as tensors. */
/** What {@link ProbabilisticPCA.save} writes: the fitted parameters, as JSON. */
export interface SavedProbabilisticPCA extends SavedHeader<'latent-probabilistic-pca'> {
  /** q, the latent dimension. */
  latentDim: number;
  /** μ, [D]. */
  mean: number[];
  /** W, [D, q]. */
  w: number[][];
  /** σ². */
  noiseVariance: number;
  /** The EM trace (empty for the closed form). */
  logLikelihoods: number[];
}

interface Fitted {
  d: number;
  mean: number[];
  w: number[][];
  noiseVariance: number;
  /** log det(W Wᵀ + σ² I). */
  logDet: number;
  logLikelihoods: number[];
  tensors: { mean: tf.Tensor; w: tf.Tensor; wT: tf.Tensor; projection: tf.Tensor };
}

type EMState = { w: tf.Tensor; noiseVariance: tf.Tensor };
type EMPosterior = { latentMean: tf.Tensor; latentCov: tf.Tensor };

/**
 * Probabilistic PCA (Tipping & Bishop 1999): x = W z + μ + ε with
 * z ~ N(0, I_q) and ε ~ N(0, σ² I_D), so x ~ N(μ, W Wᵀ + σ² I). Fitted by
 * maximum likelihood, either in closed form — σ² the mean of the D − q
 * smallest eigenvalues of the sample covariance (divided by N, the ML
 * estimate; scikit-learn's PCA divides by N − 1) and W = U_q (Λ_q − σ² I)^{1/2}
 * — or by EM; both reach the same W Wᵀ and σ² (W itself only up to a
 * rotation). The eigen-decomposition runs in float64 on the small D × D
 * covariance.
 *
 * The fitted tensors `mean` and `W` belong to the model ({@link dispose} frees
 * them); every method returns new tensors the caller owns. A failed fit leaves
 * the previous fit (or none) in place.
 *
 * @example
 * ```ts
 * const ppca = new ProbabilisticPCA({ latentDim: 2 });
 * await ppca.fit(X);                 // X: [N, D]
 * const z = ppca.transform(X);       // [N, 2], the posterior means E[z | x]
 * const xHat = ppca.inverseTransform(z);
 * const logp = ppca.scoreSamples(X); // [N]
 * ppca.dispose();
 * ```
 */
export class ProbabilisticPCA {
  /** Dimension q of the latent space (as given). */
  readonly latentDim: number;
  /** How the fit is computed: 'closed-form' or 'em' (as given). */
  readonly method: 'closed-form' | 'em';
  /** Most EM iterations (as given). */
  readonly maxIter: number;
  /** EM convergence threshold (as given). */
  readonly tol: number;
  /** The seed of the EM initialisation, if given. */
  readonly seed: Seed | undefined;
  private readonly onIteration: ((progress: EMIteration) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private fitted: Fitted | undefined;

  constructor(options: ProbabilisticPCAOptions) {
    const { latentDim, method = 'closed-form', maxIter = 1000, tol = 1e-6, seed } = options ?? ({} as ProbabilisticPCAOptions);
    checkPositiveInteger(NAME, 'latentDim', latentDim);
    if (method !== 'closed-form' && method !== 'em') throw new ValidationError(NAME, 'method', "be 'closed-form' or 'em'", method);
    checkPositiveInteger(NAME, 'maxIter', maxIter);
    if (!(tol >= 0)) throw new ValidationError(NAME, 'tol', 'be non-negative', tol);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw new ValidationError(NAME, 'seed', 'be a safe integer', seed);
    this.latentDim = latentDim;
    this.method = method;
    this.maxIter = maxIter;
    this.tol = tol;
    this.seed = seed;
    this.onIteration = options.onIteration;
    this.signal = options.signal;
  }

  /** Whether {@link fit} has succeeded. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** μ, shape [D] (owned by the model). */
  get mean(): tf.Tensor {
    return this.require('mean').tensors.mean;
  }

  /** W, shape [D, latentDim] (owned by the model), identified only up to a rotation of its columns. */
  get W(): tf.Tensor {
    return this.require('W').tensors.w;
  }

  /** σ², the variance of the isotropic noise. */
  get noiseVariance(): number {
    return this.require('noiseVariance').noiseVariance;
  }

  /** The mean log-likelihood per point at every EM iteration (empty for the closed form). */
  get logLikelihoods(): number[] {
    return [...this.require('logLikelihoods').logLikelihoods];
  }

  /**
   * Fits μ, W and σ² to the rows of `X` ([N, D], finite, N ≥ 2, D > latentDim)
   * by maximum likelihood. Resolves to this model.
   */
  async fit(X: tf.Tensor | tf.TensorLike): Promise<this> {
    return runExclusively(`${NAME}.fit`, this, () => this.fitNow(X));
  }

  private async fitNow(X: tf.Tensor | tf.TensorLike): Promise<this> {
    const where = `${NAME}.fit`;
    const x = toDataMatrix(where, X);
    try {
      const [n, d] = x.shape as [number, number];
      if (this.latentDim >= d) throw new ValidationError(where, 'latentDim', `be less than the data dimension D = ${d}`, this.latentDim);
      if (n < 2) throw new ValidationError(where, 'X', 'have at least 2 rows', undefined, `${n}`);
      await checkData(where, 'X', x, 'finite');
      const [meanT, centred, covariance] = tf.tidy(() => {
        const m = tf.mean(x, 0);
        const c = tf.sub(x, m);
        return [m, c, tf.div(tf.matMul(tf.transpose(c), c), n)];
      });
      let fit: Omit<Fitted, 'logDet' | 'tensors' | 'd'>;
      try {
        const mean = Array.from(await meanT.data()) as number[];
        const covValues = Array.from(await covariance.data()) as number[];
        if (!mean.concat(covValues).every(Number.isFinite)) {
          throw new ValidationError(where, 'X', 'have means and covariances that float32 can hold (below about 1e38): rescale or standardise the data');
        }
        const cov = toRows(covValues, d);
        fit = this.method === 'em' ? await this.fitEM(centred, cov, mean) : { ...closedForm(cov, this.latentDim), mean, logLikelihoods: [] };
      } finally {
        tf.dispose([meanT, centred, covariance]);
      }
      if (!Number.isFinite(fit.noiseVariance) || !fit.w.flat().every(Number.isFinite)) {
        throw new ValidationError(where, 'X', 'give a finite fit (W and the noise variance overflowed float32): rescale or standardise the data');
      }
      if (!(fit.noiseVariance > 0)) {
        throw new ValidationError(where, 'X', `not lie in a ${this.latentDim}-dimensional affine subspace (the noise variance is ${fit.noiseVariance})`);
      }
      const next = finish(d, fit);
      this.dispose();
      this.fitted = next;
      return this;
    } finally {
      if (x !== X) x.dispose();
    }
  }

  /** The posterior means E[z | x] = M⁻¹ Wᵀ (x − μ), M = Wᵀ W + σ² I: shape [N, latentDim]. */
  transform(X: tf.Tensor | tf.TensorLike): tf.Tensor {
    const f = this.require('transform');
    return tf.tidy(() => tf.matMul(this.centre('transform', X, f), f.tensors.projection));
  }

  /** W z + μ for the rows z of `Z` ([N, latentDim]): shape [N, D]. */
  inverseTransform(Z: tf.Tensor | tf.TensorLike): tf.Tensor {
    const f = this.require('inverseTransform');
    return tf.tidy(() => {
      const z = toDataMatrix(`${NAME}.inverseTransform`, Z, { argument: 'Z' });
      if (z.shape[1] !== this.latentDim) {
        throw new ShapeError(`${NAME}.inverseTransform`, `Z must be a matrix [N, ${this.latentDim}] (got shape [${z.shape.join(',')}])`);
      }
      return tf.add(tf.matMul(z, f.tensors.wT), f.tensors.mean);
    });
  }

  /**
   * log N(x; μ, W Wᵀ + σ² I) for each row of `X`: shape [N]. By the Woodbury
   * identity, with no D × D matrix: (x − μ)ᵀ C⁻¹ (x − μ) = ‖r‖²/σ² + ‖E[z|x]‖²
   * with r = x − μ − W E[z|x] (a sum of positive terms, no cancellation).
   */
  scoreSamples(X: tf.Tensor | tf.TensorLike): tf.Tensor {
    const f = this.require('scoreSamples');
    return tf.tidy(() => this.logDensities(this.centre('scoreSamples', X, f), f));
  }

  /**
   * The mean of {@link scoreSamples}: the mean log-likelihood per point, a
   * number (`X` checked on every backend).
   *
   * @example
   * ```ts
   * const meanLogLikelihood = await ppca.score(X);
   * ```
   */
  async score(X: tf.Tensor | tf.TensorLike): Promise<number> {
    const where = `${NAME}.score`;
    const f = this.require('score');
    const x = toDataMatrix(where, X);
    try {
      await checkData(where, 'X', x, 'finite');
      const mean = tf.tidy(() => tf.div(sum(this.logDensities(tf.sub(x, f.tensors.mean), f)), x.shape[0]));
      const value = (await mean.data())[0] as number;
      mean.dispose();
      return value;
    } finally {
      if (x !== X) x.dispose();
    }
  }

  /**
   * The fitted parameters as JSON-ready {@link SavedProbabilisticPCA}
   * (float64, as fitted); {@link load} restores them.
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await ppca.save());
   * ```
   */
  async save(): Promise<SavedProbabilisticPCA> {
    const f = this.require('save');
    return {
      format: 'latent-probabilistic-pca',
      version: 1,
      latentDim: this.latentDim,
      mean: [...f.mean],
      w: f.w.map((row) => [...row]),
      noiseVariance: f.noiseVariance,
      logLikelihoods: [...f.logLikelihoods],
    };
  }

  /**
   * Restores what {@link save} wrote (with this model's `latentDim`) and
   * returns this model; on any mismatch it throws and changes nothing.
   *
   * @example
   * ```ts
   * const restored = new ProbabilisticPCA({ latentDim: 2 }).load(JSON.parse(json));
   * ```
   */
  load(saved: SavedProbabilisticPCA): this {
    const where = `${NAME}.load`;
    checkSavedHeader(where, saved, 'latent-probabilistic-pca', 'ProbabilisticPCA.save');
    checkSavedSetting(where, 'latentDim', saved.latentDim, this.latentDim);
    const mean = savedArray(where, 'mean', saved.mean, [-1]).values;
    const d = mean.length;
    if (d <= this.latentDim) throw new ShapeError(where, `saved.mean must have more than latentDim = ${this.latentDim} entries (got ${d})`);
    const w = savedArray(where, 'w', saved.w, [d, this.latentDim]).values;
    const noiseVariance = saved.noiseVariance;
    if (typeof noiseVariance !== 'number' || !(noiseVariance > 0) || !Number.isFinite(noiseVariance)) {
      throw new ValidationError(where, 'saved.noiseVariance', 'be positive and finite', noiseVariance);
    }
    const logLikelihoods = savedNumbers(where, 'logLikelihoods', saved.logLikelihoods);
    const rows = Array.from({ length: d }, (_, i) => w.slice(i * this.latentDim, (i + 1) * this.latentDim));
    const next = finish(d, { mean, w: rows, noiseVariance, logLikelihoods });
    this.dispose();
    this.fitted = next;
    return this;
  }

  /** `n` draws x = W z + μ + σ ε: shape [n, D]. */
  sample(n: number, { seed }: { seed?: Seed } = {}): tf.Tensor {
    const f = this.require('sample');
    if (!Number.isInteger(n) || n < 0) throw new ValidationError(`${NAME}.sample`, 'n', 'be a non-negative integer', n);
    const [latentSeed, noiseSeed] = splitSeed(seed ?? this.seed ?? randomSeed(), 2) as [Seed, Seed];
    return tf.tidy(() => {
      const z = randomNormal([n, this.latentDim], { seed: latentSeed });
      const noise = randomNormal([n, f.d], { seed: noiseSeed, stddev: Math.sqrt(f.noiseVariance) });
      return tf.add(tf.add(tf.matMul(z, f.tensors.wT), f.tensors.mean), noise);
    });
  }

  /** The fitted marginal N(μ, W Wᵀ + σ² I) as a MultivariateNormalTriL that owns its parameters. */
  toDistribution(): MultivariateNormalTriL {
    const f = this.require('toDistribution');
    return new MultivariateNormalTriL({ loc: [...f.mean], scaleTril: choleskyJS(covarianceJS(f)) });
  }

  /** Frees the fitted tensors; the model is unfitted afterwards. */
  dispose(): void {
    if (this.fitted !== undefined) tf.dispose(Object.values(this.fitted.tensors));
    this.fitted = undefined;
  }

  private require(method: string): Fitted {
    if (this.fitted === undefined) throw new ValidationError(`${NAME}.${method}`, 'the model', 'be fitted first (call fit(X))');
    return this.fitted;
  }

  /** log N(x; μ, W Wᵀ + σ² I) per row of the centred data, by the Woodbury identity. Call inside tf.tidy. */
  private logDensities(centred: tf.Tensor, f: Fitted): tf.Tensor {
    const latentMean = tf.matMul(centred, f.tensors.projection);
    const residual = tf.sub(centred, tf.matMul(latentMean, f.tensors.wT));
    const quadratic = tf.add(tf.div(sum(tf.square(residual), 1), f.noiseVariance), sum(tf.square(latentMean), 1));
    return tf.mul(tf.add(quadratic, f.d * LOG_TWO_PI + f.logDet), -0.5);
  }

  /** X − μ, float32, checking the shape [N, D]. Call inside tf.tidy. */
  private centre(method: string, X: tf.Tensor | tf.TensorLike, f: Fitted): tf.Tensor {
    const x = toDataMatrix(`${NAME}.${method}`, X);
    if (x.shape[1] !== f.d) throw new ShapeError(`${NAME}.${method}`, `X must be a matrix [N, ${f.d}] (got shape [${x.shape.join(',')}])`);
    checkDataSync(`${NAME}.${method}`, 'X', x, 'finite', X);
    return tf.sub(x, f.tensors.mean);
  }

  /** Tipping & Bishop's EM on the centred data, from a random W and σ² = tr(S)/D. */
  private async fitEM(centred: tf.Tensor, cov: number[][], mean: number[]) {
    const [n, d] = centred.shape as [number, number];
    const q = this.latentDim;
    const totalVariance = cov.reduce((s, row, i) => s + (row[i] as number), 0);
    const centredT = tf.transpose(centred);
    const init: EMState = {
      w: randomNormal([d, q], { seed: this.seed ?? randomSeed(), stddev: Math.sqrt(totalVariance / d) }),
      noiseVariance: tf.scalar(totalVariance / d),
    };
    try {
      const { state, logLikelihoods } = await expectationMaximization<EMState, EMPosterior>({
        init,
        maxIter: this.maxIter,
        tol: this.tol,
        onIteration: this.onIteration,
        signal: this.signal,
        eStep: async ({ w, noiseVariance }) => {
          const [logLikelihood, latentMean, latentCov] = tf.tidy(() => {
            const { inverse, logDet } = spdInverse(tf.add(tf.matMul(tf.transpose(w), w), tf.mul(tf.eye(q), noiseVariance)));
            const latentMean = tf.matMul(centred, tf.matMul(w, inverse)); // [N, q]
            const residual = tf.sub(centred, tf.matMul(latentMean, tf.transpose(w)));
            const quadratic = tf.add(tf.div(sum(tf.square(residual), 1), noiseVariance), sum(tf.square(latentMean), 1));
            const logDetC = tf.add(tf.mul(tf.log(noiseVariance), d - q), logDet);
            const ll = tf.mul(tf.add(tf.add(tf.div(sum(quadratic), n), logDetC), d * LOG_TWO_PI), -0.5);
            return [ll, latentMean, tf.mul(inverse, noiseVariance)];
          });
          const value = (await logLikelihood.data())[0] as number;
          logLikelihood.dispose();
          return { logLikelihood: value, posterior: { latentMean, latentCov } };
        },
        mStep: (_, { latentMean, latentCov }) =>
          tf.tidy(() => {
            // W = [Σ (x−μ) E[z]ᵀ] [Σ E[z zᵀ]]⁻¹; σ² = (1/ND) Σ {‖x−μ − W E[z]‖² + tr(W cov(z) Wᵀ)}.
            const moments = tf.add(tf.mul(latentCov, n), tf.matMul(tf.transpose(latentMean), latentMean));
            const w = tf.matMul(tf.matMul(centredT, latentMean), spdInverse(moments).inverse);
            const residual = tf.sub(centred, tf.matMul(latentMean, tf.transpose(w)));
            const spread = tf.mul(sum(tf.mul(tf.matMul(tf.transpose(w), w), latentCov)), n);
            const noiseVariance = tf.div(tf.add(sum(tf.square(residual)), spread), n * d);
            return { w, noiseVariance };
          }),
      });
      try {
        const w = toRows(Array.from(await state.w.data()), q);
        const noiseVariance = (await state.noiseVariance.data())[0] as number;
        return { mean, w, noiseVariance, logLikelihoods };
      } finally {
        tf.dispose(state);
      }
    } catch (e) {
      if (e instanceof EMError) tf.dispose(e.state as EMState);
      throw e;
    } finally {
      centredT.dispose();
    }
  }
}

/** M⁻¹ and log det M of a symmetric positive-definite matrix, by Cholesky. Call inside tf.tidy. */
function spdInverse(m: tf.Tensor): { inverse: tf.Tensor; logDet: tf.Tensor } {
  const l = cholesky(m);
  const lInverse = triangularSolve(l, tf.eye(m.shape[0] as number));
  return { inverse: tf.matMul(tf.transpose(lInverse), lInverse), logDet: tf.mul(sum(tf.log(matrixDiagPart(l))), 2) };
}

/** The maximum-likelihood W and σ² from the eigen-decomposition of the covariance. */
function closedForm(cov: number[][], q: number): { w: number[][]; noiseVariance: number } {
  const { values, vectors } = symmetricEigen(cov);
  const discarded = values.slice(q);
  const noiseVariance = discarded.reduce((s, v) => s + v, 0) / discarded.length;
  const scales = values.slice(0, q).map((v) => Math.sqrt(Math.max(v - noiseVariance, 0)));
  return { w: vectors.map((row) => scales.map((s, j) => (row[j] as number) * s)), noiseVariance };
}

/** The float64 derived quantities and the tensors of a fit. */
function finish(d: number, fit: Omit<Fitted, 'logDet' | 'tensors' | 'd'>): Fitted {
  const { w, noiseVariance } = fit;
  const q = (w[0] as number[]).length;
  const m = Array.from({ length: q }, (_, i) =>
    Array.from({ length: q }, (_, j) => w.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0) + (i === j ? noiseVariance : 0)),
  );
  const l = choleskyJS(m);
  const mInverse = inverseFromCholesky(l);
  const projection = w.map((row) => mInverse.map((col) => row.reduce((s, v, k) => s + v * (col[k] as number), 0)));
  const logDet = (d - q) * Math.log(noiseVariance) + 2 * l.reduce((s, row, i) => s + Math.log(row[i] as number), 0);
  const tensors = tf.tidy(() => {
    const wTensor = tf.tensor2d(w, [d, q]);
    return { mean: tf.tensor1d(fit.mean), w: wTensor, wT: tf.transpose(wTensor), projection: tf.tensor2d(projection, [d, q]) };
  });
  return { ...fit, d, logDet, tensors };
}

function covarianceJS(f: Fitted): number[][] {
  return f.w.map((a, i) => f.w.map((b, j) => a.reduce((s, v, k) => s + v * (b[k] as number), 0) + (i === j ? f.noiseVariance : 0)));
}

function toRows(flat: number[], cols: number): number[][] {
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

/** The lower Cholesky factor of a small SPD matrix, float64. */
function choleskyJS(a: number[][]): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      let s = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      (l[i] as number[])[j] = i === j ? Math.sqrt(s) : s / ((l[j] as number[])[j] as number);
    }
  }
  return l;
}

/** (L Lᵀ)⁻¹ from L, float64. */
function inverseFromCholesky(l: number[][]): number[][] {
  const n = l.length;
  // L⁻¹ by forward substitution, column by column.
  const li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= ((l[i] as number[])[k] as number) * ((li[k] as number[])[c] as number);
      (li[i] as number[])[c] = s / ((l[i] as number[])[i] as number);
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => li.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0)),
  );
}
