import * as tf from '@tensorflow/tfjs-core';
import { Bernoulli } from '../distributions/bernoulli';
import { Categorical } from '../distributions/categorical';
import { Independent } from '../distributions/independent';
import { MixtureSameFamily } from '../distributions/mixture-same-family';
import { checkPositiveInteger, ShapeError, ValidationError } from '../errors';
import { logSumExp } from '../math/log-sum-exp';
import { sum } from '../math/sum';
import { toTensor } from '../math/to-tensor';
import { randomUniform } from '../random/sampling';
import { randomSeed, splitSeed, type Seed } from '../random/seed';
import { checkData, checkDataSync, toDataMatrix } from './data-matrix';
import { EMError, expectationMaximization, type EMIteration } from './expectation-maximization';
import { oneHotFloat } from './one-hot-float';
import { runExclusively } from './run-exclusively';
import { checkSavedHeader, checkSavedSetting, fitTraceToSave, savedArray, savedFitTrace, type SavedFitTrace, type SavedHeader } from './saved-model';

/** A binary matrix [N, D]: a tensor or nested arrays of 0 and 1. */
export type BinaryMatrix = tf.Tensor | number[][];

/** Options of {@link BernoulliMixture}. */
export interface BernoulliMixtureOptions {
  /** K, the number of components (a positive integer). */
  nComponents: number;
  /** Stop when the lower bound (mean log-likelihood per sample) changes by less than this (default 1e-3). */
  tol?: number;
  /** At most this many EM iterations per initialisation (default 100). */
  maxIter?: number;
  /** Seeds the random initialisations; random when omitted. */
  seed?: Seed;
  /** Initialisations to run; the one with the highest lower bound is kept (default 1). */
  nInit?: number;
  /**
   * `'random'` (default): every pixel probability drawn uniformly from
   * [0.25, 0.75], equal weights. Or explicit `{ weights: [K], probs: [K, D] }`
   * (then `nInit` runs the same start, so leave it at 1).
   */
  init?:
    | 'random'
    | {
        /** Mixture weights, shape [K]. */
        weights: tf.Tensor | number[];
        /** Pixel probabilities per component, shape [K, D]. */
        probs: tf.Tensor | number[][];
      };
  /**
   * Beta-prior pseudo-count (default 0): the M-step takes the MAP estimate
   * under a Beta(1 + α, 1 + α) prior on every pixel probability,
   * p = (Σ rₙ xₙ + α) / (Σ rₙ + 2α), as if each component had seen α extra
   * 0s and α extra 1s. The fit then maximises the log-posterior, and
   * `lowerBound` includes the prior's log-density per sample,
   * (α / N) Σ_{k,d} [log p_kd + log(1 − p_kd)]; `score`, `bic` and `aic` use
   * the likelihood alone. Whatever α, probabilities are clamped to
   * [1e-6, 1 − 1e-6], so a pixel that is always 0 in a component costs
   * log(1e-6) ≈ −13.8 when it is 1, never log 0.
   */
  alpha?: number;
}

/** Options of {@link BernoulliMixture.fit}. */
export interface BernoulliMixtureFitOptions {
  /** Called after every EM iteration. */
  onIteration?: (progress: EMIteration) => void;
  /** Stops the fit between iterations; the previous fitted state stays. */
  signal?: AbortSignal;
}

/** What {@link BernoulliMixture.reconstruct} returns (the caller owns both tensors). */
export interface BernoulliReconstruction {
  /** `[N, K]`: the posterior over components given the observed pixels only. */
  posterior: tf.Tensor;
  /** `[N, D]`: the observed pixels as given, the missing ones replaced by their expected value Σ_k posterior_k p_kd. */
  mean: tf.Tensor;
}

/** What {@link BernoulliMixture.sample} returns (the caller owns both tensors). */
export interface BernoulliMixtureSample {
  /** [n, D] of 0/1 (float32). */
  X: tf.Tensor;
  /** [n] int32: the component each row was drawn from. */
  labels: tf.Tensor;
}

interface State extends tf.NamedTensorMap {
  weights: tf.Tensor;
  probs: tf.Tensor;
}

/** What {@link BernoulliMixture.save} writes: the fitted parameters, as JSON. */
export interface SavedBernoulliMixture extends SavedHeader<'latent-bernoulli-mixture'>, SavedFitTrace {
  /** K. */
  nComponents: number;
  /** Mixing weights, [K]. */
  weights: number[];
  /** Pixel probabilities, [K, D]. */
  probs: number[][];
}

interface Fitted {
  weights: tf.Tensor;
  probs: tf.Tensor;
  logWeights: tf.Tensor;
  logits: tf.Tensor;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  logLikelihoods: number[];
}

/** Pixel probabilities stay in [EPS, 1 − EPS]: no log 0, and the M-step stays an exact (constrained) maximiser. */
const EPS = 1e-6;
/** Added to every component's count, as scikit-learn does, so an empty component gives 0/tiny, not 0/0. */
const COUNT_FLOOR = 10 * 1.1920929e-7;

/**
 * A mixture of K products of D Bernoullis, fitted by EM to binary data:
 * p(x) = Σ_k π_k Π_d p_kd^x_d (1 − p_kd)^(1 − x_d). The E-step works in log
 * space (log p(x | k) = X·log(p)ᵀ + (1 − X)·log(1 − p)ᵀ, two [N, D]×[D, K]
 * matMuls, and log-sum-exp responsibilities); the M-step sets the weights to
 * the mean responsibilities and p_k to the responsibility-weighted pixel
 * means (see `alpha` for the prior and the clamp). Same method names as
 * `GaussianMixture`. Also {@link reconstruct}: missing pixels filled
 * in from the observed ones.
 *
 * The fitted tensors (`weights`, `probs`) belong to the model: they stay
 * valid until the next `fit` or {@link dispose}; clone them to keep them.
 *
 * @example
 * ```ts
 * const bmm = new BernoulliMixture({ nComponents: 10, seed: 0, nInit: 3 });
 * await bmm.fit(binaryImages);          // [N, 64] of 0/1
 * bmm.predict(binaryImages);            // [N] int32 cluster labels
 * console.log(bmm.lowerBound, await bmm.bic(binaryImages));
 * const { mean } = bmm.reconstruct(images, observedMask); // missing pixels → expected value
 * ```
 */
export class BernoulliMixture {
  /** K. */
  readonly nComponents: number;
  /** Convergence threshold on the change of the mean log-likelihood (as given). */
  readonly tol: number;
  /** Most EM iterations per initialisation (as given). */
  readonly maxIter: number;
  /** Initialisations tried; the best lower bound is kept (as given). */
  readonly nInit: number;
  /** Beta-prior pseudo-count on each pixel probability (as given). */
  readonly alpha: number;
  /** The seed of the random initialisation, if given. */
  readonly seed: Seed | undefined;
  /** The initialisation (as given). */
  readonly init: BernoulliMixtureOptions['init'];
  private fitted: Fitted | undefined;

  constructor(options: BernoulliMixtureOptions) {
    const where = 'BernoulliMixture';
    const { nComponents, tol = 1e-3, maxIter = 100, nInit = 1, alpha = 0, seed, init = 'random' } = options ?? ({} as BernoulliMixtureOptions);
    checkPositiveInteger(where, 'nComponents', nComponents);
    if (!(tol >= 0)) throw new ValidationError(where, 'tol', 'be non-negative', tol);
    checkPositiveInteger(where, 'maxIter', maxIter);
    checkPositiveInteger(where, 'nInit', nInit);
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new ValidationError(where, 'alpha', 'be a finite non-negative number', alpha);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw new ValidationError(where, 'seed', 'be a safe integer', seed);
    if (init !== 'random' && (typeof init !== 'object' || init === null || !('weights' in init) || !('probs' in init))) {
      throw new ValidationError(where, 'init', "be 'random' or { weights, probs }", init);
    }
    this.nComponents = nComponents;
    this.tol = tol;
    this.maxIter = maxIter;
    this.nInit = nInit;
    this.alpha = alpha;
    this.seed = seed;
    this.init = init;
  }

  /** The mixing weights π [K] (owned by the model). */
  get weights(): tf.Tensor {
    return this.state('weights').weights;
  }

  /** The pixel probabilities p [K, D] (owned by the model). */
  get probs(): tf.Tensor {
    return this.state('probs').probs;
  }

  /** Whether the best initialisation's EM converged within `maxIter`. */
  get converged(): boolean {
    return this.state('converged').converged;
  }

  /** EM iterations run by the best initialisation. */
  get nIter(): number {
    return this.state('nIter').nIter;
  }

  /** The best initialisation's final mean log-likelihood per sample (plus the prior term when `alpha` > 0). */
  get lowerBound(): number {
    return this.state('lowerBound').lowerBound;
  }

  /** The EM trace of the best initialisation (mean log-likelihood per sample, plus the prior term when `alpha` > 0), non-decreasing. */
  get logLikelihoods(): readonly number[] {
    return this.state('logLikelihoods').logLikelihoods;
  }

  /** Whether {@link fit} has succeeded. */
  get isFitted(): boolean {
    return this.fitted !== undefined;
  }

  /**
   * Fits the mixture to X ([N, D] of 0/1, N ≥ K) by EM from `nInit`
   * initialisations, keeping the one with the highest lower bound. On any
   * error the previous fitted state (or none) is left untouched.
   *
   * @example
   * ```ts
   * await bmm.fit(tf.tensor([[0, 1, 1], [1, 0, 0], [0, 1, 1]]), { onIteration: ({ logLikelihood }) => console.log(logLikelihood) });
   * ```
   */
  async fit(X: BinaryMatrix, options: BernoulliMixtureFitOptions = {}): Promise<this> {
    return runExclusively('BernoulliMixture.fit', this, () => this.fitNow(X, options));
  }

  private async fitNow(X: BinaryMatrix, options: BernoulliMixtureFitOptions): Promise<this> {
    const where = 'BernoulliMixture.fit';
    const x = toDataMatrix(where, X);
    const owned: tf.Tensor[] = x === X ? [] : [x];
    try {
      const [n, d] = x.shape as [number, number];
      const k = this.nComponents;
      if (n < k) throw new ValidationError(where, 'X', `have at least nComponents = ${k} rows`, undefined, `${n} rows`);
      await checkData(where, 'X', x, 'binary');
      const init = this.init === 'random' ? undefined : await checkInit(k, d, this.init!);
      const complement = tf.sub(1, x);
      owned.push(complement);
      const alpha = this.alpha;

      const eStep = async (state: State) => {
        const { meanLogLik, responsibilities } = tf.tidy(() => {
          const joint = jointLogLikelihood(x, complement, tf.log(state.weights), state.probs);
          const logNorm = logSumExp(joint, 1, true);
          let mean = tf.div(sum(logNorm), n);
          if (alpha > 0) mean = tf.add(mean, tf.mul(alpha / n, sum(tf.add(tf.log(state.probs), tf.log(tf.sub(1, state.probs))))));
          return { meanLogLik: mean, responsibilities: tf.exp(tf.sub(joint, logNorm)) };
        });
        const logLikelihood = (await meanLogLik.data())[0] as number;
        meanLogLik.dispose();
        return { logLikelihood, posterior: responsibilities };
      };
      const mStep = (_state: State, r: tf.Tensor): State =>
        tf.tidy(() => {
          const counts = tf.add(sum(r, 0), COUNT_FLOOR); // [K]
          const ones = tf.matMul(tf.transpose(r), x); // [K, D]
          const probs = tf.clipByValue(tf.div(tf.add(ones, alpha), tf.expandDims(tf.add(counts, 2 * alpha), 1)), EPS, 1 - EPS);
          return { weights: tf.div(counts, tf.sum(counts)), probs };
        });

      const seeds = splitSeed(this.seed ?? randomSeed(), this.nInit);
      let best: { state: State; logLikelihoods: number[]; converged: boolean; iterations: number } | undefined;
      try {
        for (const seed of seeds) {
          const start: State = init !== undefined ? { weights: tf.clone(init.weights), probs: tf.clone(init.probs) } : randomInit(k, d, seed);
          let result;
          try {
            result = await expectationMaximization<State, tf.Tensor>({
              init: start,
              eStep,
              mStep,
              maxIter: this.maxIter,
              tol: this.tol,
              onIteration: options.onIteration,
              signal: options.signal,
            });
          } catch (e) {
            if (e instanceof EMError) tf.dispose(e.state as State);
            throw e;
          }
          const last = result.logLikelihoods[result.logLikelihoods.length - 1] as number;
          if (best === undefined || last > (best.logLikelihoods[best.logLikelihoods.length - 1] as number)) {
            if (best !== undefined) tf.dispose(best.state);
            best = result;
          } else {
            tf.dispose(result.state);
          }
        }
      } catch (e) {
        if (best !== undefined) tf.dispose(best.state);
        throw e;
      } finally {
        if (init !== undefined) tf.dispose([init.weights, init.probs]);
      }
      const { weights, probs } = best!.state;
      const cached = tf.tidy(() => ({ logWeights: tf.log(weights), logits: tf.sub(tf.log(probs), tf.log(tf.sub(1, probs))) }));
      this.dispose();
      this.fitted = {
        weights,
        probs,
        ...cached,
        converged: best!.converged,
        nIter: best!.iterations,
        lowerBound: best!.logLikelihoods[best!.logLikelihoods.length - 1] as number,
        logLikelihoods: best!.logLikelihoods,
      };
      return this;
    } finally {
      tf.dispose(owned);
    }
  }

  /**
   * [N] int32: the most probable component of each row.
   *
   * @example
   * ```ts
   * const labels = bmm.predict(X); // [N]
   * ```
   */
  predict(X: BinaryMatrix): tf.Tensor {
    return tf.tidy(() => tf.argMax(this.joint('predict', X), 1));
  }

  /**
   * `[N, K]`: the posterior probability of each component for each row (rows sum to 1).
   *
   * @example
   * ```ts
   * const responsibilities = bmm.predictProba(X); // [N, K]
   * ```
   */
  predictProba(X: BinaryMatrix): tf.Tensor {
    return tf.tidy(() => {
      const joint = this.joint('predictProba', X);
      return tf.exp(tf.sub(joint, logSumExp(joint, 1, true)));
    });
  }

  /**
   * `[N]`: log p(x) of each row under the fitted mixture.
   *
   * @example
   * ```ts
   * const logDensity = bmm.scoreSamples(X); // = bmm.toDistribution().logProb(X)
   * ```
   */
  scoreSamples(X: BinaryMatrix): tf.Tensor {
    return tf.tidy(() => logSumExp(this.joint('scoreSamples', X), 1));
  }

  /**
   * The mean log-likelihood per row (no prior term).
   *
   * @example
   * ```ts
   * const meanLogLik = await bmm.score(X);
   * ```
   */
  async score(X: BinaryMatrix): Promise<number> {
    return (await this.meanLogLikelihood(X, 'score')).mean;
  }

  /**
   * Bayesian information criterion −2 log L + p log N, with p = K·D + K − 1 free parameters (lower is better).
   *
   * @example
   * ```ts
   * const bic = await bmm.bic(X);
   * ```
   */
  async bic(X: BinaryMatrix): Promise<number> {
    const { mean, n } = await this.meanLogLikelihood(X, 'bic');
    return -2 * mean * n + this.freeParameters() * Math.log(n);
  }

  /**
   * Akaike information criterion −2 log L + 2p (lower is better).
   *
   * @example
   * ```ts
   * const aic = await bmm.aic(X);
   * ```
   */
  async aic(X: BinaryMatrix): Promise<number> {
    const { mean, n } = await this.meanLogLikelihood(X, 'aic');
    return -2 * mean * n + 2 * this.freeParameters();
  }

  /**
   * Completes images with unobserved pixels (`mask` 0 = missing, 1 =
   * observed; the values of X under a 0 are ignored): the posterior over
   * components given the observed pixels only, and the expected value of
   * every missing pixel under it, Σ_k posterior_k p_kd.
   *
   * @example
   * ```ts
   * const mask = tf.tensor([[1, 1, 0, 0]]);               // the last two pixels are missing
   * const { posterior, mean } = bmm.reconstruct(tf.tensor([[1, 0, 0, 0]]), mask);
   * mean.print();                                          // [[1, 0, E[x₂], E[x₃]]]
   * ```
   */
  reconstruct(X: BinaryMatrix, mask: BinaryMatrix): BernoulliReconstruction {
    const where = 'BernoulliMixture.reconstruct';
    const { logWeights, probs } = this.state('reconstruct');
    return tf.tidy(() => {
      const x = this.checkColumns(where, 'X', X);
      const m = this.checkColumns(where, 'mask', mask);
      if (m.shape[0] !== x.shape[0]) throw new ShapeError(where, `mask must have the shape of X [${x.shape.join(',')}] (got [${m.shape.join(',')}])`);
      // Observed pixels only: x·m counts the observed 1s, (1 − x)·m the observed 0s.
      const joint = jointLogLikelihood(tf.mul(x, m), tf.mul(tf.sub(1, x), m), logWeights, probs);
      const posterior = tf.exp(tf.sub(joint, logSumExp(joint, 1, true)));
      const expected = tf.matMul(posterior, probs);
      const mean = tf.add(tf.mul(m, x), tf.mul(tf.sub(1, m), expected));
      return { posterior, mean };
    });
  }

  /**
   * n draws from the fitted mixture, with the component of each.
   *
   * @example
   * ```ts
   * const { X, labels } = bmm.sample(100, { seed: 1 }); // [100, D] of 0/1, [100] int32
   * ```
   */
  sample(n: number, { seed }: { seed?: Seed } = {}): BernoulliMixtureSample {
    const where = 'BernoulliMixture.sample';
    if (!Number.isInteger(n) || n < 0) throw new ValidationError(where, 'n', 'be a non-negative integer', n);
    const { logWeights, probs } = this.state('sample');
    const [forLabels, forPixels] = splitSeed(seed ?? randomSeed(), 2) as [Seed, Seed];
    return tf.tidy(() => {
      const labels = new Categorical({ logits: logWeights }, { validateArgs: false }).sample(n, { seed: forLabels }); // [n] float32
      const oneHot = oneHotFloat(labels, this.nComponents);
      const p = tf.matMul(oneHot, probs); // [n, D]
      const u = randomUniform(p.shape, { seed: forPixels });
      return { X: tf.where(tf.less(u, p), tf.onesLike(u), tf.zerosLike(u)), labels: tf.cast(labels, 'int32') };
    });
  }

  /**
   * The fitted mixture as a distribution: a MixtureSameFamily of a
   * Categorical over the weights and an Independent(Bernoulli) with batch
   * [K] and event [D]. It reads the model's tensors (owned by the model, so
   * there is nothing to dispose): it is valid until the next `fit` or
   * {@link dispose}.
   *
   * @example
   * ```ts
   * const logDensity = bmm.toDistribution().logProb(X); // = bmm.scoreSamples(X)
   * ```
   */
  toDistribution(): MixtureSameFamily {
    const { logWeights, logits } = this.state('toDistribution');
    const options = { validateArgs: false };
    return new MixtureSameFamily(
      {
        mixture: new Categorical({ logits: logWeights }, options),
        components: new Independent(new Bernoulli({ logits }, options), 1),
      },
      options,
    );
  }

  /**
   * The fitted model as JSON-ready {@link SavedBernoulliMixture};
   * {@link load} restores it.
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await bmm.save());
   * ```
   */
  async save(): Promise<SavedBernoulliMixture> {
    const fitted = this.state('save');
    const { weights, probs } = fitted;
    return {
      format: 'latent-bernoulli-mixture',
      version: 1,
      nComponents: this.nComponents,
      weights: (await weights.array()) as number[],
      probs: (await probs.array()) as number[][],
      ...fitTraceToSave(fitted),
    };
  }

  /**
   * Restores what {@link save} wrote (with this model's `nComponents`) and
   * returns this model; on any mismatch it throws and changes nothing.
   *
   * @example
   * ```ts
   * const restored = new BernoulliMixture({ nComponents: 10 }).load(JSON.parse(json));
   * ```
   */
  load(saved: SavedBernoulliMixture): this {
    const where = 'BernoulliMixture.load';
    checkSavedHeader(where, saved, 'latent-bernoulli-mixture', 'BernoulliMixture.save');
    checkSavedSetting(where, 'nComponents', saved.nComponents, this.nComponents);
    const k = this.nComponents;
    const weights = savedArray(where, 'weights', saved.weights, [k]);
    const probs = savedArray(where, 'probs', saved.probs, [k, -1]);
    if (weights.values.some((w) => !(w > 0))) throw new ValidationError(where, 'saved.weights', 'be positive', saved.weights);
    if (probs.values.some((p) => !(p > 0 && p < 1))) throw new ValidationError(where, 'saved.probs', 'lie in (0, 1)', undefined, 'a value outside');
    const trace = savedFitTrace(where, saved);
    const tensors = tf.tidy(() => {
      const w = tf.tensor(weights.values, weights.shape, 'float32');
      const p = tf.tensor(probs.values, probs.shape, 'float32');
      return { weights: w, probs: p, logWeights: tf.log(w), logits: tf.sub(tf.log(p), tf.log(tf.sub(1, p))) };
    });
    this.dispose();
    this.fitted = { ...tensors, ...trace };
    return this;
  }

  /**
   * Frees the fitted tensors; the model is unfitted afterwards.
   *
   * @example
   * ```ts
   * bmm.dispose();
   * ```
   */
  dispose(): void {
    if (this.fitted === undefined) return;
    const { weights, probs, logWeights, logits } = this.fitted;
    tf.dispose([weights, probs, logWeights, logits]);
    this.fitted = undefined;
  }

  private state(what: string): Fitted {
    if (this.fitted === undefined) throw new ValidationError(`BernoulliMixture.${what}`, 'the model', 'be fitted first (call fit(X))');
    return this.fitted;
  }

  /** The mean log-likelihood per row of `X` and its row count, with `X` checked on every backend (async). */
  private async meanLogLikelihood(X: BinaryMatrix, method: string): Promise<{ mean: number; n: number }> {
    const where = `BernoulliMixture.${method}`;
    this.state(method);
    const x = toDataMatrix(where, X);
    try {
      await checkData(where, 'X', x, 'binary');
      const total = tf.tidy(() => tf.div(sum(logSumExp(this.joint(method, x), 1)), x.shape[0]));
      const value = (await total.data())[0] as number;
      total.dispose();
      return { mean: value, n: x.shape[0] };
    } finally {
      if (x !== X) x.dispose();
    }
  }

  private freeParameters(): number {
    const d = this.state('bic').probs.shape[1] as number;
    return this.nComponents * d + this.nComponents - 1;
  }

  /** A float32 [N, D] tensor with the fitted D; JS arrays are also checked to be 0/1. Call inside tf.tidy. */
  private checkColumns(where: string, argument: string, X: BinaryMatrix): tf.Tensor {
    const d = this.state(where.split('.')[1] as string).probs.shape[1] as number;
    const x = toDataMatrix(where, X, { argument });
    if (x.shape[1] !== d) throw new ShapeError(where, `${argument} must have shape [N, ${d}], the fitted number of columns (got [${x.shape.join(',')}])`);
    checkDataSync(where, argument, x, 'binary', X);
    return x;
  }

  /** log π_k + log p(x | k), [N, K]. Call inside tf.tidy. */
  private joint(method: string, X: BinaryMatrix): tf.Tensor {
    const where = `BernoulliMixture.${method}`;
    const { logWeights, probs } = this.state(method);
    const x = this.checkColumns(where, 'X', X);
    return jointLogLikelihood(x, tf.sub(1, x), logWeights, probs);
  }
}

/** log π_k + X·log(p)ᵀ + (1 − X)·log(1 − p)ᵀ, [N, K]: two 2-D matMuls (transposed explicitly: wasm's transposeB is slow). */
function jointLogLikelihood(x: tf.Tensor, complement: tf.Tensor, logWeights: tf.Tensor, probs: tf.Tensor): tf.Tensor {
  const ones = tf.matMul(x, tf.transpose(tf.log(probs)));
  const zeros = tf.matMul(complement, tf.transpose(tf.log(tf.sub(1, probs))));
  return tf.add(tf.add(ones, zeros), logWeights);
}

function randomInit(k: number, d: number, seed: Seed): State {
  return { weights: tf.fill([k], 1 / k), probs: randomUniform([k, d], { seed, low: 0.25, high: 0.75 }) };
}

/** Reads and checks an explicit initialisation; returns clamped copies the caller frees. */
async function checkInit(k: number, d: number, init: { weights: tf.Tensor | number[]; probs: tf.Tensor | number[][] }): Promise<State> {
  const where = 'BernoulliMixture';
  const made: tf.Tensor[] = [];
  try {
    const weights = toTensor(where, 'init.weights', init.weights);
    if (weights !== init.weights) made.push(weights);
    const probs = toTensor(where, 'init.probs', init.probs);
    if (probs !== init.probs) made.push(probs);
    if (weights.rank !== 1 || weights.shape[0] !== k) throw new ShapeError(where, `init.weights must have shape [${k}] (got [${weights.shape.join(',')}])`);
    if (probs.rank !== 2 || probs.shape[0] !== k || probs.shape[1] !== d) {
      throw new ShapeError(where, `init.probs must have shape [${k}, ${d}] (got [${probs.shape.join(',')}])`);
    }
    const w = Array.from(await weights.data()) as number[];
    const bad = w.findIndex((v) => !(v > 0) || !Number.isFinite(v));
    if (bad >= 0) throw new ValidationError(where, 'init.weights', 'be positive', undefined, `${w[bad]} at index ${bad}`);
    const total = w.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-4) throw new ValidationError(where, 'init.weights', 'sum to 1', undefined, `sum ${+total.toPrecision(6)}`);
    const p = await probs.data();
    const badP = p.findIndex((v) => !(v >= 0 && v <= 1));
    if (badP >= 0) throw new ValidationError(where, 'init.probs', 'lie in [0, 1]', undefined, `${p[badP]} at index ${badP}`);
    return { weights: tf.div(weights, total), probs: tf.clipByValue(probs, EPS, 1 - EPS) };
  } finally {
    tf.dispose(made);
  }
}

