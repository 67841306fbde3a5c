import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from '../distributions/distribution';
import { checkPositiveInteger, DisposedError, ShapeError, ValidationError } from '../errors';
import { elboLoss } from '../estimators/elbo-loss';
import { iwaeLoss } from '../estimators/iwae-loss';
import type { GradientEstimator } from '../estimators/surrogate-loss';
import { randomSeed, SeedStream, seedToUint32, type Seed } from '../random/seed';
import { Adam } from '../nn/adam';
import { runExclusively } from './run-exclusively';
import { checkOptimizer, optimizerStep, trainingLoop, type Trainable, type TrainingData, type TrainingOptions, type TrainingResult, type TrainingStep } from './training-loop';

/** What {@link SVI} hands the guide and the model for one minibatch. */
export interface SVIBatch {
  /** The batch's data points, `[B, ...]`. */
  data: tf.Tensor;
  /** Their rows in the data set, int32 `[B]`: set when SVI drew the batch from a tensor (or `step` got them), else `null`. */
  indices: tf.Tensor1D | null;
  /** datasetSize / B. With `latents: 'global'`, multiply the data term of log p(x, z) by it; with `'local'` SVI applies it. */
  scale: number;
}

/** The bound SVI maximises: the ELBO, or the importance-weighted bound with k draws. */
export type SVIObjective =
  | 'elbo'
  | {
      /** k, the draws per importance-weighted bound. */
      iwae: number;
    };

/** Options of {@link SVI}. */
export interface SVIOptions {
  /** q for a batch, e.g. `(b) => guide.distribution(b.indices)` or an encoder's q(z | x). */
  guide: (batch: SVIBatch) => Distribution;
  /** log p(x, z) for the batch: z `[S, ...q.batchShape, ...q.eventShape]` → `[S, ...q.batchShape]`. */
  logJoint: (z: tf.Tensor, batch: SVIBatch) => tf.Tensor;
  /** What the optimiser updates (see `collectVariables`). */
  variables: readonly tf.Variable[];
  /** Any `tf.train` optimiser (default `new Adam(0.01)`, which SVI then owns and disposes). */
  optimizer?: tf.Optimizer;
  /**
   * `'global'` (default): q has batchShape `[]` — latents shared by the whole data set — and `logJoint`
   * scales its data term by `batch.scale`. `'local'`: one latent per data point, q's first batch axis
   * runs over the batch, and SVI scales the whole bound by `batch.scale`.
   */
  latents?: 'global' | 'local';
  /** Default `'elbo'`. */
  objective?: SVIObjective;
  /** Draws per step and data point, a multiple of k (default k; at least 2k with `gradient: 'score'`). */
  numSamples?: number;
  /** Default `'pathwise'`; see `GradientEstimator`. */
  gradient?: GradientEstimator;
  /** The number of data points the bound is over (default: the rows of the tensor `fit` gets, else the batch size). */
  datasetSize?: number;
  /** Reproduces the draws and the batch order exactly; random when omitted. */
  seed?: Seed;
}

/** What {@link SVI.fit}'s `onStep` receives. */
export type SVIStep = TrainingStep;

/** Options of {@link SVI.fit}: those of every gradient-based fit (default `batchSize` 32). */
export type SVIFitOptions = TrainingOptions;

/** What {@link SVI.fit} returns. */
export type SVIFitResult = TrainingResult;

/** What {@link SVI.fit} trains on (see {@link TrainingData}). */
export type SVIData = TrainingData;

/**
 * Stochastic variational inference in the spirit of NumPyro's `SVI`: each
 * step draws a minibatch, estimates the bound (ELBO or IWAE, with the chosen
 * gradient estimator) and lets the optimiser take one step on `variables`.
 * The loss is −(the bound's estimate over the whole data set): minibatch
 * terms are scaled by datasetSize / batchSize so it stays unbiased.
 *
 * A step whose loss or gradient is not finite throws a `NonFiniteError`
 * naming the step, before the optimiser touches anything: the variables keep
 * their last finite values.
 *
 * @example
 * ```ts
 * // the mean of a Gaussian with known scale 1, prior N(0, 10²), 1000 observations x
 * const guide = meanFieldGuide({ shape: [1] });
 * const prior = new Normal({ loc: 0, scale: 10 });
 * const svi = new SVI({
 *   guide: () => guide.distribution(),
 *   logJoint: (z, { data, scale }) => tf.add(
 *     tf.squeeze(prior.logProb(z), [1]),
 *     tf.mul(scale, tf.sum(new Normal({ loc: z, scale: 1 }).logProb(tf.reshape(data, [1, -1])), 1)),
 *   ),
 *   variables: guide.variables,
 *   optimizer: tf.train.adam(0.05),
 *   numSamples: 8,
 *   seed: 1,
 * });
 * const { losses } = await svi.fit(x, { steps: 2000, batchSize: 100 });
 * ```
 */
export class SVI {
  /** Whether the latents are shared by the data set (`'global'`) or one per data point (`'local'`). */
  readonly latents: 'global' | 'local';
  /** The bound maximised. */
  readonly objective: SVIObjective;
  /** The gradient estimator. */
  readonly gradient: GradientEstimator;
  /** Draws per step and data point. */
  readonly numSamples: number;
  /** The data set size the bound is scaled to, when given. */
  readonly datasetSize: number | undefined;
  /** The optimiser that updates `variables`. */
  readonly optimizer: tf.Optimizer;
  private readonly guide: SVIOptions['guide'];
  private readonly logJoint: SVIOptions['logJoint'];
  private readonly variables: readonly tf.Variable[];
  private readonly ownsOptimizer: boolean;
  private readonly seed: Seed;
  private readonly drawSeeds: SeedStream;
  private steps = 0;
  private epochs = 0;
  private disposed = false;

  constructor(options: SVIOptions) {
    const where = 'SVI';
    if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
    if (typeof options.guide !== 'function') throw new ValidationError(where, 'guide', 'be a function (batch) => Distribution', options.guide);
    if (typeof options.logJoint !== 'function') throw new ValidationError(where, 'logJoint', 'be a function (z, batch) => Tensor', options.logJoint);
    const variables = options.variables;
    if (!Array.isArray(variables) || variables.length === 0 || !variables.every((v) => v instanceof tf.Variable)) {
      throw new ValidationError(where, 'variables', 'be a non-empty array of tf.Variable (see collectVariables)', variables);
    }
    this.latents = options.latents ?? 'global';
    if (this.latents !== 'global' && this.latents !== 'local') throw new ValidationError(where, 'latents', "be 'global' or 'local'", this.latents);
    this.objective = options.objective ?? 'elbo';
    const k = objectiveK(this.objective);
    this.gradient = options.gradient ?? 'pathwise';
    if (!GRADIENTS.includes(this.gradient)) throw new ValidationError(where, 'gradient', `be one of ${GRADIENTS.map((g) => `'${g}'`).join(', ')}`, this.gradient);
    this.numSamples = options.numSamples ?? (this.gradient === 'score' ? 2 * k : k);
    checkPositiveInteger(where, 'numSamples', this.numSamples);
    if (this.numSamples % k !== 0) throw new ValidationError(where, 'numSamples', `be a multiple of k = ${k} (groups of k draws)`, this.numSamples);
    if (this.gradient === 'score' && this.numSamples < 2 * k) {
      throw new ValidationError(where, 'numSamples', `be at least 2·k = ${2 * k} with gradient 'score' (each group of k draws is baselined by the others)`, this.numSamples);
    }
    if (options.datasetSize !== undefined) checkPositiveInteger(where, 'datasetSize', options.datasetSize);
    if (options.seed !== undefined) seedToUint32(options.seed, where);
    checkOptimizer(where, options.optimizer);
    this.datasetSize = options.datasetSize;
    this.guide = options.guide;
    this.logJoint = options.logJoint;
    this.variables = [...variables];
    this.seed = options.seed ?? randomSeed();
    this.drawSeeds = new SeedStream(this.seed, 'SVI.draws');
    // Made last: nothing after it can throw and leak it.
    this.ownsOptimizer = options.optimizer === undefined;
    this.optimizer = options.optimizer ?? new Adam(0.01);
  }

  /** Steps taken so far (by `step` and `fit`). */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * The loss for one batch without a step: −(the bound's estimate over the
   * data set), a scalar the caller owns; differentiable in `variables`.
   *
   * @param data - the batch, `[B, ...]`.
   * @param options - `indices`: the batch's rows in the data set (for per-data-point guides); `seed`: the draws' seed.
   */
  loss(data: tf.Tensor, options: { indices?: tf.Tensor1D; seed?: Seed } = {}): tf.Scalar {
    this.checkNotDisposed('SVI.loss');
    const batch = this.batchOf('SVI.loss', data, options.indices ?? null);
    return this.lossOf(batch, options.seed ?? randomSeed());
  }

  /**
   * One optimisation step on one batch; resolves to its loss. Throws a
   * `NonFiniteError` (changing nothing) when the loss or a gradient is not finite.
   *
   * @param data - the batch, `[B, ...]`.
   * @param options - `indices`: the batch's rows in the data set, for per-data-point guides.
   */
  async step(data: tf.Tensor, options: { indices?: tf.Tensor1D } = {}): Promise<number> {
    this.checkNotDisposed('SVI.step');
    const batch = this.batchOf('SVI.step', data, options.indices ?? null);
    return runExclusively('SVI.step', this, () => this.takeStep(batch));
  }

  /**
   * Runs steps over `data` until `steps` or `epochs` is reached; yields to
   * the event loop between steps. A tensor is cut into shuffled batches of
   * `batchSize` rows (the last batch of an epoch may be smaller); an
   * iterable or async iterable yields the batches itself (SVI disposes each
   * tensor an iterator yields after its step; an array's tensors stay the
   * caller's). An aborted `signal` rejects with its reason, checked before
   * the first step and after each `onStep` and `onEpoch`.
   */
  async fit(data: SVIData, options: SVIFitOptions = {}): Promise<SVIFitResult> {
    return this.fitAs('SVI.fit', data, options);
  }

  /**
   * {@link fit}, with errors naming `where` (the engine the user called, e.g. `VAE.fit`).
   *
   * @internal
   */
  async fitAs(where: string, data: SVIData, options: SVIFitOptions = {}): Promise<SVIFitResult> {
    this.checkNotDisposed(where);
    const model: Trainable = {
      name: 'SVI',
      seed: this.seed,
      datasetSize: this.datasetSize,
      beginEpoch: () => ++this.epochs,
      step: (batch, datasetRows) => this.takeStep(this.batchOf(where, batch.data, batch.indices, datasetRows)),
      stepCount: () => this.steps,
    };
    return runExclusively(where, this, () => trainingLoop(where, data, options, model, 32));
  }

  /** Frees the optimiser's state when SVI created the optimiser (the variables belong to the caller); the SVI then refuses use. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsOptimizer) this.optimizer.dispose();
  }

  private checkNotDisposed(where: string): void {
    if (this.disposed) throw new DisposedError(where, 'SVI');
  }

  private batchOf(where: string, data: tf.Tensor, indices: tf.Tensor1D | null, datasetRows?: number): SVIBatch {
    if (!(data instanceof tf.Tensor) || data.rank < 1) throw new ValidationError(where, 'data', 'be a tf.Tensor with a leading batch axis', data);
    const size = data.shape[0] as number;
    if (indices !== null && (!(indices instanceof tf.Tensor) || indices.rank !== 1 || indices.shape[0] !== size)) {
      throw new ShapeError(where, `indices must be a 1-D tensor with one entry per batch row (${size}), got ${describeShape(indices)}`);
    }
    const datasetSize = this.datasetSize ?? datasetRows ?? size;
    return { data, indices, scale: datasetSize / size };
  }

  private lossOf(batch: SVIBatch, seed: Seed): tf.Scalar {
    const where = 'SVI';
    return tf.tidy(() => {
      const q = this.guide(batch);
      if (!(q instanceof Distribution)) throw new ValidationError(where, 'guide', 'return a Distribution (e.g. guide.distribution(batch.indices))', q);
      if (this.latents === 'global' && q.batchShape.length !== 0) {
        throw new ShapeError(
          where,
          `with latents 'global' the guide's batchShape must be [] (one latent for the whole data set; wrap it in Independent), got [${q.batchShape.join(',')}]; for one latent per data point pass latents: 'local'`,
        );
      }
      if (this.latents === 'local' && q.batchShape[0] !== batch.data.shape[0]) {
        throw new ShapeError(where, `with latents 'local' the guide's batchShape must start with the batch size ${batch.data.shape[0]}, got [${q.batchShape.join(',')}]`);
      }
      const logJoint = (z: tf.Tensor): tf.Tensor => {
        const value = this.logJoint(z, batch);
        if (!(value instanceof tf.Tensor)) throw new ValidationError(where, 'logJoint', `return a tensor [S, ...q.batchShape] (log p(x, z) for each draw)`, value);
        return value;
      };
      const options = { logJoint, q, numSamples: this.numSamples, seed, gradient: this.gradient };
      const k = objectiveK(this.objective);
      const meanNegBound = this.objective === 'elbo' ? elboLoss(options) : iwaeLoss({ ...options, k });
      // The estimators average over q's batch entries; the bound of the data set is their sum (× scale for local latents).
      const entries = q.batchShape.reduce((a, b) => a * b, 1);
      return tf.mul(meanNegBound, this.latents === 'local' ? entries * batch.scale : entries) as tf.Scalar;
    });
  }

  private async takeStep(batch: SVIBatch): Promise<number> {
    const step = this.steps + 1;
    const seed = this.drawSeeds.next();
    const loss = await optimizerStep('SVI', step, this.variables, this.optimizer, () => this.lossOf(batch, seed));
    this.steps = step;
    return loss;
  }
}

const GRADIENTS: readonly GradientEstimator[] = ['pathwise', 'score', 'stl', 'dreg'];

/** k of an objective, checked. */
function objectiveK(objective: SVIObjective): number {
  if (objective === 'elbo') return 1;
  const k = typeof objective === 'object' && objective !== null ? objective.iwae : undefined;
  if (!Number.isInteger(k) || (k as number) < 1) throw new ValidationError('SVI', 'objective', "be 'elbo' or { iwae: k } with k a positive integer", objective);
  return k as number;
}

function describeShape(t: unknown): string {
  return t instanceof tf.Tensor ? `shape [${t.shape.join(',')}]` : String(t);
}
