import * as tf from '@tensorflow/tfjs-core';
import { Categorical } from '../distributions/categorical';
import type { TensorInput } from '../distributions/distribution';
import { MixtureSameFamily } from '../distributions/mixture-same-family';
import { MultivariateNormalTriL } from '../distributions/multivariate-normal-tril';
import { checkNonNegativeInteger, checkPositiveInteger, LatentError, ShapeError, ValidationError } from '../errors';
import { randomNormal, randomUniform } from '../random/sampling';
import { randomSeed, splitSeed, type Seed } from '../random/seed';
import { EMError, expectationMaximization, type EMIteration } from './expectation-maximization';
import {
  allFinite,
  type CovarianceType,
  eStepTensors,
  fromPrecisions,
  type GaussianMixtureParameters,
  logDetFinite,
  meanOf,
  mStep,
  parameterCount,
  precisionCholeskyFromCovariances,
  prepareData,
  type PreparedData,
  scaleTrilOf,
} from './gaussian-mixture-steps';
import { toTensor } from '../math/to-tensor';
import { checkData, checkDataSync, toDataMatrix } from './data-matrix';
import { kmeansResponsibilities } from './kmeans-responsibilities';
import { checkSavedHeader, checkSavedSetting, fitTraceToSave, savedArray, savedFitTrace, type SavedFitTrace, type SavedHeader } from './saved-model';
import { runExclusively } from './run-exclusively';
import { oneHotFloat } from './one-hot-float';

export type { CovarianceType } from './gaussian-mixture-steps';

/**
 * An explicit initialisation of {@link GaussianMixture} (scikit-learn's
 * `weights_init`, `means_init`, `precisions_init`): `weights` [K] summing to
 * 1, `means` [K, D], and optionally `precisions` or `covariances` shaped as
 * the covariance type wants ([K, D, D] full, [D, D] tied, [K, D] diag, [K]
 * spherical). With neither, the covariances come from an M-step on the
 * points assigned to their nearest mean.
 */
export interface GaussianMixtureInit {
  /** Mixture weights, shape [K]. */
  weights: TensorInput;
  /** Component means, shape [K, D]. */
  means: TensorInput;
  /** Precision matrices (inverse covariances), in the covariance type's shape; or give `covariances`. */
  precisions?: TensorInput;
  /** Covariances, in the covariance type's shape; or give `precisions`. */
  covariances?: TensorInput;
}

/** What {@link GaussianMixture.sample} returns. */
export interface GaussianMixtureSample {
  /** The draws, shape [n, D]. */
  X: tf.Tensor;
  /** The component of each draw, int32, shape [n]. */
  labels: tf.Tensor;
}

/** Options of {@link GaussianMixture}, scikit-learn's names in camelCase. */
export interface GaussianMixtureOptions {
  /** K, the number of components (a positive integer). */
  nComponents: number;
  /** 'full' (default), 'tied', 'diag' or 'spherical'. */
  covarianceType?: CovarianceType;
  /** Stop when the mean log-likelihood per point changes by less than this (default 1e-3). */
  tol?: number;
  /** EM iterations per initialisation (default 100); 0 keeps the initialisation, as scikit-learn does. */
  maxIter?: number;
  /** Added to the covariances' diagonal so that none collapses (default 1e-6). */
  regCovar?: number;
  /** 'kmeans++' (default), 'random' (random responsibilities) or explicit parameters. */
  init?: 'kmeans++' | 'random' | GaussianMixtureInit;
  /** Initialisations to run; the one with the best lower bound is kept (default 1). */
  nInit?: number;
  /** Seed of the initialisations (a fresh one when omitted). */
  seed?: Seed;
  /** Start a later `fit` from the fitted parameters, with one initialisation (default false). */
  warmStart?: boolean;
  /** Called after every EM iteration. */
  onIteration?: (progress: EMIteration) => void;
}

/** Options of {@link GaussianMixture.fit}. */
export interface GaussianMixtureFitOptions {
  /** Cancels the fit between EM iterations; the previous fitted state stays. */
  signal?: AbortSignal;
}

/** What {@link GaussianMixture.save} writes: the settings that shape the fit and the fitted parameters, as JSON. */
export interface SavedGaussianMixture extends SavedHeader<'latent-gaussian-mixture'>, SavedFitTrace {
  /** K. */
  nComponents: number;
  /** The covariance type. */
  covarianceType: CovarianceType;
  /** [K]. */
  weights: number[];
  /** [K, D]. */
  means: number[][];
  /** In the covariance type's shape. */
  covariances: unknown;
  /** In the covariance type's shape. */
  precisionsCholesky: unknown;
  /** The data mean the model centres inputs on, [D]. */
  offset: number[];
}

interface Fitted {
  params: GaussianMixtureParameters;
  scaleTril: tf.Tensor;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  logLikelihoods: number[];
}

interface Run {
  params: GaussianMixtureParameters;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  logLikelihoods: number[];
}

const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const NAME = 'GaussianMixture';

/**
 * A Gaussian mixture fitted by expectation-maximisation, with
 * scikit-learn's API and numbers (`sklearn.mixture.GaussianMixture`, 1.2):
 * for the same data and the same explicit initialisation the fitted
 * parameters, `lowerBound` and `nIter` agree to float32 precision.
 *
 * The E-step computes responsibilities in log space (a log-sum-exp over the
 * components) and the mean log-likelihood per point (scikit-learn's
 * `lower_bound_`: the value under the parameters before the last M-step);
 * the M-step is `_estimate_gaussian_parameters` with `regCovar` on the
 * diagonal. Each is one 2-D matMul over the data plus element-wise passes;
 * the data are centred on their mean inside the fit, which keeps the
 * second-moment formulas accurate in float32.
 *
 * `init: 'kmeans++'` runs k-means++ seeding and Lloyd iterations (not
 * scikit-learn's full KMeans), so its results differ from scikit-learn's
 * for that initialisation; explicit parameters reproduce them. Fitted
 * tensors (`weights`, `means`, `covariances`, `precisionsCholesky`) belong
 * to the model: a later fit or {@link GaussianMixture.dispose} frees them.
 *
 * @example
 * ```ts
 * const gmm = await new GaussianMixture({ nComponents: 3, seed: 0 }).fit(x); // x: [N, D]
 * const labels = gmm.predict(x);         // [N] int32
 * console.log(await gmm.bic(x), gmm.converged, gmm.nIter);
 * const { X, labels: z } = gmm.sample(100, { seed: 1 });
 * ```
 */
export class GaussianMixture {
  /** Number of mixture components K (as given). */
  readonly nComponents: number;
  /** Covariance structure: 'full', 'diag', 'spherical' or 'tied' (as given). */
  readonly covarianceType: CovarianceType;
  /** Convergence threshold on the change of the lower bound (as given). */
  readonly tol: number;
  /** Most EM iterations per initialisation (as given). */
  readonly maxIter: number;
  /** Added to the diagonal of every covariance (as given). */
  readonly regCovar: number;
  /** The initialisation (as given). */
  readonly init: 'kmeans++' | 'random' | GaussianMixtureInit;
  /** Initialisations tried; the best lower bound is kept (as given). */
  readonly nInit: number;
  /** The seed of the initialisation, if given. */
  readonly seed: Seed | undefined;
  /** Whether fit starts from the previous fit (as given). */
  readonly warmStart: boolean;
  private readonly onIteration: ((progress: EMIteration) => void) | undefined;
  private fitted: Fitted | undefined;
  private offset: tf.Tensor | undefined;

  constructor(options: GaussianMixtureOptions) {
    const { nComponents, covarianceType = 'full', tol = 1e-3, maxIter = 100, regCovar = 1e-6, init = 'kmeans++', nInit = 1, seed, warmStart = false } = options;
    checkPositiveInteger(NAME, 'nComponents', nComponents);
    if (!COVARIANCE_TYPES.includes(covarianceType)) throw new ValidationError(NAME, 'covarianceType', `be one of ${COVARIANCE_TYPES.join(', ')}`, covarianceType);
    if (!(tol >= 0)) throw new ValidationError(NAME, 'tol', 'be non-negative', tol);
    checkNonNegativeInteger(NAME, 'maxIter', maxIter);
    if (!(regCovar >= 0)) throw new ValidationError(NAME, 'regCovar', 'be non-negative', regCovar);
    checkPositiveInteger(NAME, 'nInit', nInit);
    if (init !== 'kmeans++' && init !== 'random' && (typeof init !== 'object' || init === null || init.weights === undefined || init.means === undefined)) {
      throw new ValidationError(NAME, 'init', "be 'kmeans++', 'random' or { weights, means, precisions? | covariances? }", init);
    }
    if (typeof init === 'object' && init.precisions !== undefined && init.covariances !== undefined) {
      throw new ValidationError(NAME, 'init', 'give precisions or covariances, not both');
    }
    this.nComponents = nComponents;
    this.covarianceType = covarianceType;
    this.tol = tol;
    this.maxIter = maxIter;
    this.regCovar = regCovar;
    this.init = init;
    this.nInit = nInit;
    this.seed = seed;
    this.warmStart = warmStart;
    this.onIteration = options.onIteration;
  }

  /** Whether {@link fit} has succeeded at least once. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /** Mixing weights [K] (owned by the model). */
  get weights(): tf.Tensor {
    return this.state('weights').params.weights;
  }

  /** Component means [K, D] (owned by the model). */
  get means(): tf.Tensor {
    return this.state('means').params.means;
  }

  /** Covariances: [K, D, D] full, [D, D] tied, [K, D] diag, [K] spherical (owned by the model). */
  get covariances(): tf.Tensor {
    return this.state('covariances').params.covariances;
  }

  /** C with C Cᵀ the precision, scikit-learn's `precisions_cholesky_` (owned by the model). */
  get precisionsCholesky(): tf.Tensor {
    return this.state('precisionsCholesky').params.precisionsCholesky;
  }

  /** Whether the best initialisation converged within `maxIter`. */
  get converged(): boolean {
    return this.state('converged').converged;
  }

  /** EM iterations of the best initialisation. */
  get nIter(): number {
    return this.state('nIter').nIter;
  }

  /** Mean log-likelihood per point of the best initialisation (scikit-learn's `lower_bound_`). */
  get lowerBound(): number {
    return this.state('lowerBound').lowerBound;
  }

  /** The EM log-likelihood trace of the best initialisation: non-decreasing, but for the small dips a positive `regCovar` allows. */
  get logLikelihoods(): readonly number[] {
    return this.state('logLikelihoods').logLikelihoods;
  }

  /**
   * Fits the mixture to `X` [N, D] by EM from `nInit` initialisations and
   * keeps the best. On failure (bad input, an ill-defined covariance,
   * cancellation) the previous fitted state, or none, stays as it was.
   *
   * @example
   * ```ts
   * await gmm.fit(tf.randomNormal([500, 2]));
   * ```
   */
  async fit(X: TensorInput, options: GaussianMixtureFitOptions = {}): Promise<this> {
    await runExclusively(`${NAME}.fit`, this, () => this.fitAndLabel(X, options, false));
    return this;
  }

  /**
   * Fits, then labels `X` by a final E-step under the kept parameters (so
   * the labels agree with {@link predict}), as scikit-learn's `fit_predict`.
   *
   * @example
   * ```ts
   * const labels = await gmm.fitPredict(x); // [N] int32
   * ```
   */
  async fitPredict(X: TensorInput, options: GaussianMixtureFitOptions = {}): Promise<tf.Tensor> {
    return (await runExclusively(`${NAME}.fitPredict`, this, () => this.fitAndLabel(X, options, true))) as tf.Tensor;
  }

  /**
   * The most probable component of every point, [N] int32.
   *
   * @example
   * ```ts
   * gmm.predict([[0, 0], [5, 5]]).print();
   * ```
   */
  predict(X: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.argMax(this.responsibilities(X, 'predict'), 1));
  }

  /**
   * Responsibilities p(k | x_n), [N, K].
   *
   * @example
   * ```ts
   * const resp = gmm.predictProba(x); // rows sum to 1
   * ```
   */
  predictProba(X: TensorInput): tf.Tensor {
    return this.responsibilities(X, 'predictProba');
  }

  /**
   * log p(x_n) under the mixture, [N].
   *
   * @example
   * ```ts
   * const logDensity = gmm.scoreSamples(x);
   * ```
   */
  scoreSamples(X: TensorInput): tf.Tensor {
    return this.logDensities(X, 'scoreSamples');
  }

  /**
   * The mean of {@link scoreSamples}: the mean log-likelihood per point.
   *
   * @example
   * ```ts
   * const meanLogLikelihood = await gmm.score(x);
   * ```
   */
  async score(X: TensorInput): Promise<number> {
    return (await this.meanLogLikelihood(X, 'score')).mean;
  }

  /**
   * The Bayesian information criterion −2 log L + p log N (lower is better).
   *
   * @example
   * ```ts
   * const bic = await gmm.bic(x);
   * ```
   */
  async bic(X: TensorInput): Promise<number> {
    const { mean, n } = await this.meanLogLikelihood(X, 'bic');
    return -2 * mean * n + this.parameterCount() * Math.log(n);
  }

  /**
   * The Akaike information criterion −2 log L + 2p (lower is better).
   *
   * @example
   * ```ts
   * const aic = await gmm.aic(x);
   * ```
   */
  async aic(X: TensorInput): Promise<number> {
    const { mean, n } = await this.meanLogLikelihood(X, 'aic');
    return -2 * mean * n + 2 * this.parameterCount();
  }

  /**
   * `n` draws from the fitted mixture and their components (in draw order,
   * where scikit-learn groups them by component).
   *
   * @returns `X` [n, D] and `labels` [n] int32, owned by the caller.
   *
   * @example
   * ```ts
   * const { X, labels } = gmm.sample(1000, { seed: 7 });
   * ```
   */
  sample(n: number, { seed }: { seed?: Seed } = {}): GaussianMixtureSample {
    const fitted = this.state('sample');
    checkPositiveInteger(`${NAME}.sample`, 'n', n);
    const [labelSeed, noiseSeed] = splitSeed(seed ?? randomSeed(), 2) as [Seed, Seed];
    const { weights, means } = fitted.params;
    const [k, d] = means.shape as [number, number];
    return tf.tidy(() => {
      const u = randomUniform([n, 1], { seed: labelSeed });
      const cumulative = tf.reshape(tf.cumsum(weights), [1, k]);
      const labels = tf.cast(tf.minimum(tf.sum(tf.cast(tf.greater(u, cumulative), 'float32'), 1), k - 1), 'int32');
      const oneHot = oneHotFloat(labels, k);
      const z = randomNormal([n, d], { seed: noiseSeed });
      // Row n of z Lₖᵀ for every k at once: W[:, k·D + e] = Lₖ[e, :].
      const w = tf.reshape(tf.transpose(fitted.scaleTril, [2, 0, 1]), [d, k * d]);
      const noise = tf.sum(tf.mul(tf.reshape(tf.matMul(z, w), [n, k, d]), tf.reshape(oneHot, [n, k, 1])), 1);
      return { X: tf.add(tf.matMul(oneHot, means), noise), labels };
    });
  }

  /**
   * The fitted mixture as a distribution: a {@link MixtureSameFamily} of
   * {@link MultivariateNormalTriL} components. It shares the model's
   * tensors, so it is valid until the model is refitted or disposed.
   *
   * @example
   * ```ts
   * const logDensity = gmm.toDistribution().logProb(x); // = gmm.scoreSamples(x)
   * ```
   */
  toDistribution(): MixtureSameFamily {
    const fitted = this.state('toDistribution');
    return new MixtureSameFamily(
      {
        mixture: new Categorical({ probs: fitted.params.weights }, { validateArgs: false }),
        components: new MultivariateNormalTriL({ loc: fitted.params.means, scaleTril: fitted.scaleTril }, { validateArgs: false }),
      },
      { validateArgs: false },
    );
  }

  /**
   * The fitted model as JSON-ready {@link SavedGaussianMixture};
   * {@link load} restores it.
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await gmm.save());
   * ```
   */
  async save(): Promise<SavedGaussianMixture> {
    const fitted = this.state('save');
    const { params } = fitted;
    const read = async (t: tf.Tensor) => (await t.array()) as never;
    return {
      format: 'latent-gaussian-mixture',
      version: 1,
      nComponents: this.nComponents,
      covarianceType: this.covarianceType,
      weights: await read(params.weights),
      means: await read(params.means),
      covariances: await read(params.covariances),
      precisionsCholesky: await read(params.precisionsCholesky),
      offset: await read(this.offset as tf.Tensor),
      ...fitTraceToSave(fitted),
    };
  }

  /**
   * Restores what {@link save} wrote (with this model's `nComponents` and
   * `covarianceType`) and returns this model; on any mismatch it throws and
   * changes nothing.
   *
   * @example
   * ```ts
   * const restored = new GaussianMixture({ nComponents: 3 }).load(JSON.parse(json));
   * restored.predict(x);
   * ```
   */
  load(saved: SavedGaussianMixture): this {
    const where = `${NAME}.load`;
    checkSavedHeader(where, saved, 'latent-gaussian-mixture', 'GaussianMixture.save');
    checkSavedSetting(where, 'nComponents', saved.nComponents, this.nComponents);
    checkSavedSetting(where, 'covarianceType', saved.covarianceType, this.covarianceType);
    const k = this.nComponents;
    const type = this.covarianceType;
    const means = savedArray(where, 'means', saved.means, [k, -1]);
    const d = means.shape[1] as number;
    const covShape = type === 'full' ? [k, d, d] : type === 'tied' ? [d, d] : type === 'diag' ? [k, d] : [k];
    const arrays = {
      weights: savedArray(where, 'weights', saved.weights, [k]),
      means,
      covariances: savedArray(where, 'covariances', saved.covariances, covShape),
      precisionsCholesky: savedArray(where, 'precisionsCholesky', saved.precisionsCholesky, covShape),
      offset: savedArray(where, 'offset', saved.offset, [d]),
    };
    const trace = savedFitTrace(where, saved);
    const tensor = ({ values, shape }: { values: number[]; shape: number[] }) => tf.tensor(values, shape, 'float32');
    const params = tf.tidy(() => ({
      weights: tensor(arrays.weights),
      means: tensor(arrays.means),
      covariances: tensor(arrays.covariances),
      precisionsCholesky: tensor(arrays.precisionsCholesky),
    }));
    const scaleTril = scaleTrilOf(params.covariances, type, k, d);
    this.dispose();
    this.fitted = { params, scaleTril, ...trace };
    this.offset = tensor(arrays.offset);
    return this;
  }

  /**
   * Frees the fitted tensors; the model is then unfitted.
   *
   * @example
   * ```ts
   * gmm.dispose();
   * ```
   */
  dispose(): void {
    if (this.fitted !== undefined) tf.dispose([this.fitted.params, this.fitted.scaleTril]);
    if (this.offset !== undefined) this.offset.dispose();
    this.fitted = undefined;
    this.offset = undefined;
  }

  private state(method: string): Fitted {
    if (this.fitted === undefined) throw new ValidationError(`${NAME}.${method}`, 'the model', 'be fitted first (call fit(X))');
    return this.fitted;
  }

  private parameterCount(): number {
    const [k, d] = this.state('parameterCount').params.means.shape as [number, number];
    return parameterCount(this.covarianceType, k, d);
  }

  /** The mean log-likelihood per point of `X` and its row count, with `X` checked on every backend (async). */
  private async meanLogLikelihood(X: TensorInput, method: string): Promise<{ mean: number; n: number }> {
    const where = `${NAME}.${method}`;
    this.state(method);
    const x = toDataMatrix(where, X, { minRows: 1 });
    try {
      await checkData(where, 'X', x, 'finite');
      const mean = tf.tidy(() => meanOf(this.logDensities(x, method)));
      const value = (await mean.data())[0] as number;
      mean.dispose();
      return { mean: value, n: x.shape[0] };
    } finally {
      if (x !== X) x.dispose();
    }
  }

  private responsibilities(X: TensorInput, method: string): tf.Tensor {
    return this.withData(X, method, (data, fitted) => eStepTensors(data, fitted.params, this.covarianceType).responsibilities);
  }

  private logDensities(X: TensorInput, method: string): tf.Tensor {
    return this.withData(X, method, (data, fitted) => eStepTensors(data, fitted.params, this.covarianceType).logProbNorm);
  }

  /** Runs `body` on the centred data of `X` (checked against the fitted dimension, and finite). */
  private withData(X: TensorInput, method: string, body: (data: PreparedData, fitted: Fitted) => tf.Tensor): tf.Tensor {
    const fitted = this.state(method);
    const d = fitted.params.means.shape[1] as number;
    const where = `${NAME}.${method}`;
    const x = toDataMatrix(where, X, { minRows: 1 });
    try {
      if (x.shape[1] !== d) throw new ShapeError(where, `X must have ${d} features, as the data the model was fitted to (got shape [${x.shape.join(',')}])`);
      checkDataSync(where, 'X', x, 'finite', X);
      return tf.tidy(() => {
        const centred = tf.sub(x, this.offset as tf.Tensor);
        const data = prepareData(centred, this.covarianceType, false);
        const params = { ...fitted.params, means: tf.sub(fitted.params.means, this.offset as tf.Tensor) };
        return body(data, { ...fitted, params });
      });
    } finally {
      if (x !== X) x.dispose();
    }
  }

  private async fitAndLabel(X: TensorInput, { signal }: GaussianMixtureFitOptions, label: boolean): Promise<tf.Tensor | undefined> {
    const where = `${NAME}.fit`;
    const k = this.nComponents;
    const x = toDataMatrix(where, X, { minRows: 1 });
    const owned: tf.TensorContainer[] = [];
    if (x !== X) owned.push(x);
    try {
      const [n, d] = x.shape as [number, number];
      if (n < k) throw new ValidationError(where, 'X', `have at least nComponents = ${k} points`, undefined, `${n} points`);
      await checkData(where, 'X', x, 'finite');
      const warm = this.warmStart && this.fitted !== undefined;
      if (warm && this.fitted?.params.means.shape[1] !== d) {
        throw new ShapeError(where, `X must have ${this.fitted?.params.means.shape[1]} features to warm-start from the fitted model (got shape [${x.shape.join(',')}])`);
      }
      const offset = tf.tidy(() => tf.mean(x, 0));
      owned.push(offset);
      const centred = tf.sub(x, offset);
      const data = prepareData(centred, this.covarianceType);
      centred.dispose();
      owned.push(data as unknown as tf.TensorContainer);
      const runs = warm ? 1 : this.nInit;
      const seeds = splitSeed(this.seed ?? randomSeed(), runs);
      let best: Run | undefined;
      for (let r = 0; r < runs; r++) {
        const init = await this.initialParameters(data, offset, seeds[r] as Seed, warm);
        const run = await this.runEM(data, init, signal, warm ? (this.fitted as Fitted).lowerBound : -Infinity);
        // scikit-learn's rule: a better lower bound wins, and anything replaces a best of −Infinity (maxIter 0).
        if (best === undefined || run.lowerBound > best.lowerBound || best.lowerBound === -Infinity) {
          if (best !== undefined) tf.dispose(best.params);
          best = run;
        } else tf.dispose(run.params);
      }
      const kept = best as Run;
      const labels = label ? tf.tidy(() => tf.argMax(eStepTensors(data, kept.params, this.covarianceType).responsibilities, 1)) : undefined;
      const params = tf.tidy(() => ({ ...kept.params, means: tf.add(kept.params.means, offset) }));
      tf.dispose(kept.params.means);
      const scaleTril = scaleTrilOf(params.covariances, this.covarianceType, k, d);
      this.dispose();
      this.fitted = { params, scaleTril, converged: kept.converged, nIter: kept.nIter, lowerBound: kept.lowerBound, logLikelihoods: kept.logLikelihoods };
      this.offset = offset;
      owned.splice(owned.indexOf(offset), 1);
      return labels;
    } finally {
      tf.dispose(owned);
    }
  }

  private async runEM(data: PreparedData, init: GaussianMixtureParameters, signal: AbortSignal | undefined, previousLogLikelihood: number): Promise<Run> {
    const type = this.covarianceType;
    let latest = init;
    try {
      const result = await expectationMaximization<GaussianMixtureParameters, tf.Tensor>({
        init,
        eStep: async (params) => {
          const { responsibilities, logProbNorm } = eStepTensors(data, params, type);
          const mean = meanOf(logProbNorm);
          logProbNorm.dispose();
          const logLikelihood = (await mean.data())[0] as number;
          mean.dispose();
          return { logLikelihood, posterior: responsibilities };
        },
        mStep: async (_params, responsibilities) => {
          latest = await mStep(data, responsibilities, type, this.regCovar);
          return latest;
        },
        maxIter: this.maxIter,
        tol: this.tol,
        // With regCovar > 0 the M-step maximises a regularised objective, so the likelihood may dip (scikit-learn accepts it).
        decreaseTolerance: this.regCovar > 0 ? Infinity : undefined,
        previousLogLikelihood,
        onIteration: this.onIteration,
        signal,
      });
      const lowerBound = result.logLikelihoods[result.logLikelihoods.length - 1] ?? -Infinity;
      return { params: result.state, converged: result.converged, nIter: result.iterations, lowerBound, logLikelihoods: result.logLikelihoods };
    } catch (e) {
      // The loop frees what it replaced; disposing a freed tensor again does nothing.
      tf.dispose(latest);
      if (e instanceof EMError) {
        tf.dispose(e.state as tf.TensorContainer);
        throw new LatentError(
          `${NAME}.fit: EM failed (${e.message}); some component's covariance is ill-defined (too few points, or duplicated ones): increase regCovar, reduce nComponents, or rescale the data`,
        );
      }
      throw e;
    }
  }

  private async initialParameters(data: PreparedData, offset: tf.Tensor, seed: Seed, warm: boolean): Promise<GaussianMixtureParameters> {
    const type = this.covarianceType;
    const [n, d] = data.x.shape as [number, number];
    const k = this.nComponents;
    if (warm) {
      const fitted = this.fitted as Fitted;
      return tf.tidy(() => ({
        weights: tf.clone(fitted.params.weights),
        means: tf.sub(fitted.params.means, offset),
        covariances: tf.clone(fitted.params.covariances),
        precisionsCholesky: tf.clone(fitted.params.precisionsCholesky),
      }));
    }
    if (this.init === 'random') {
      const resp = tf.tidy(() => {
        const u = randomUniform([n, k], { seed });
        return tf.div(u, tf.sum(u, 1, true));
      });
      const params = await mStep(data, resp, type, this.regCovar);
      resp.dispose();
      return params;
    }
    if (this.init === 'kmeans++') {
      const resp = await kmeansResponsibilities(data.x, k, seed);
      const params = await mStep(data, resp, type, this.regCovar);
      resp.dispose();
      return params;
    }
    return this.explicitParameters(this.init, data, offset, d, k);
  }

  private async explicitParameters(init: GaussianMixtureInit, data: PreparedData, offset: tf.Tensor, d: number, k: number): Promise<GaussianMixtureParameters> {
    const where = `${NAME}.fit`;
    const type = this.covarianceType;
    const covShape = type === 'full' ? [k, d, d] : type === 'tied' ? [d, d] : type === 'diag' ? [k, d] : [k];
    const made: tf.Tensor[] = [];
    const convert = (name: string, value: TensorInput, shape: number[]) => {
      const t = toTensor(where, `init.${name}`, value);
      if (t !== value) made.push(t);
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
        throw new ShapeError(where, `init.${name} must have shape [${shape.join(',')}] for ${k} components of dimension ${d} and covarianceType '${type}' (got [${t.shape.join(',')}])`);
      }
      return t;
    };
    let result: GaussianMixtureParameters | undefined;
    try {
      const weights = convert('weights', init.weights, [k]);
      const means = convert('means', init.means, [k, d]);
      const w = await weights.data();
      let total = 0;
      for (const v of w) total += v;
      if (w.some((v) => !(v >= 0)) || Math.abs(total - 1) > 1e-5) {
        throw new ValidationError(where, 'init.weights', 'be non-negative and sum to 1', undefined, `[${Array.from(w).join(', ')}]`);
      }
      if (!(await allFinite(means))) throw new ValidationError(where, 'init.means', 'be finite');
      const centredMeans = tf.sub(means, offset);
      made.push(centredMeans);
      let covariances: tf.Tensor;
      let precisionsCholesky: tf.Tensor;
      if (init.precisions !== undefined) {
        ({ covariances, precisionsCholesky } = fromPrecisions(convert('precisions', init.precisions, covShape), type));
      } else if (init.covariances !== undefined) {
        covariances = tf.clone(convert('covariances', init.covariances, covShape));
        precisionsCholesky = precisionCholeskyFromCovariances(covariances, type);
      } else {
        // Covariances from the points nearest to each mean (scikit-learn takes them from its KMeans run).
        const nearest = tf.tidy(() => {
          const xNorm = tf.sum(tf.square(data.x), 1, true);
          const distance = tf.add(tf.sub(xNorm, tf.mul(tf.matMul(data.x, tf.transpose(centredMeans)), 2)), tf.reshape(tf.sum(tf.square(centredMeans), 1), [1, k]));
          return oneHotFloat(tf.argMin(distance, 1), k);
        });
        const params = await mStep(data, nearest, type, this.regCovar);
        tf.dispose([nearest, params.weights, params.means]);
        covariances = params.covariances;
        precisionsCholesky = params.precisionsCholesky;
      }
      made.push(covariances, precisionsCholesky);
      if (!(await logDetFinite(precisionsCholesky, type))) {
        const name = init.precisions !== undefined ? 'precisions' : 'covariances';
        throw new ValidationError(where, `init.${name}`, 'be positive definite (symmetric with positive eigenvalues)');
      }
      result = { weights: tf.clone(weights), means: tf.clone(centredMeans), covariances: tf.clone(covariances), precisionsCholesky: tf.clone(precisionsCholesky) };
      return result;
    } finally {
      tf.dispose(made);
    }
  }
}
