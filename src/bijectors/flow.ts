import * as tf from '@tensorflow/tfjs-core';
import { MultivariateNormalDiag } from '../distributions/multivariate-normal-diag';
import { DisposedError, ShapeError, ValidationError } from '../errors';
import { runExclusively } from '../inference/run-exclusively';
import { checkSavedHeader, checkSavedSetting, type SavedHeader } from '../inference/saved-model';
import { optimizerStep, trainingLoop, type TrainingData, type TrainingOptions, type TrainingResult } from '../inference/training-loop';
import { toTensor, type TensorInput } from '../math/to-tensor';
import { Adam } from '../nn/adam';
import { loadWeights, saveWeights, type SavedWeights } from '../nn/weights';
import type { Seed } from '../random/seed';
import type { Bijector } from './bijector';
import type { SampleAndLogProb } from '../distributions/distribution';
import { TransformedDistribution } from './transformed-distribution';

/** The builders a {@link Flow} can come from. */
export type FlowKind = 'realNVP' | 'maf' | 'iaf' | 'nsf';

/** What fixes a flow's architecture: written by `save`, checked by `load`. */
export interface FlowSettings {
  /** The builder. */
  kind: FlowKind;
  /** D, the data dimension. */
  dim: number;
  /** The context size (0: unconditional). */
  contextSize: number;
  /** Coupling or autoregressive layers. */
  layers: number;
  /** The conditioners' hidden widths. */
  hiddenSizes: number[];
  /** Spline bins (nsf only). */
  bins?: number;
  /** Spline interval [−B, B] (nsf only). */
  tailBound?: number;
  /** Autoregressive rather than coupling layers (nsf only). */
  autoregressive?: boolean;
}

/** Options of {@link Flow.fit}: the training loop's, plus the rows' context for a conditional flow. */
export interface FlowFitOptions extends TrainingOptions {
  /** One context vector per data row, `[N, contextSize]` (conditional flows; tensor data only). */
  context?: TensorInput;
}

/** Options of {@link Flow.sample}. */
export interface FlowSampleOptions {
  /** Reproduces the draws exactly on a backend; random when omitted. */
  seed?: Seed;
  /** The context `[..., contextSize]` of a conditional flow: draws get its leading axes as batch axes. */
  context?: tf.Tensor;
}

/** What {@link Flow.save} writes: the architecture and the weights, as JSON. */
export interface SavedFlow extends SavedHeader<'latent-flow'> {
  /** The architecture. */
  settings: FlowSettings;
  /** Every variable, in the flow's order. */
  weights: SavedWeights;
}

/**
 * A normalizing flow as an object to use (zuko's design): a standard normal
 * base on R^D, a trained {@link Bijector} (forward = base to data), and,
 * given a context, a plain {@link TransformedDistribution}. Made by the
 * builders {@link realNVP}, {@link maf}, {@link iaf} and {@link nsf}; trained
 * by maximum likelihood with {@link Flow.fit}, or used as a variational
 * posterior through {@link Flow.distribution} and {@link Flow.variables}.
 *
 * @example
 * ```ts
 * const flow = realNVP({ dim: 2, seed: 1 });
 * await flow.fit(x, { epochs: 20, batchSize: 256 });   // x [N, 2]
 * const nll = tf.neg(tf.mean(flow.logProb(xTest)));     // nats per point
 * const draws = flow.sample(1000, { seed: 2 });         // [1000, 2]
 * flow.dispose();
 * ```
 */
export class Flow {
  /** The architecture. */
  readonly settings: Readonly<FlowSettings>;
  /** x = f(z). */
  readonly bijector: Bijector;
  /** The optimiser of {@link fit}. */
  readonly optimizer: tf.Optimizer;
  private readonly base: MultivariateNormalDiag;
  private readonly ownsOptimizer: boolean;
  private readonly seed: Seed;
  private steps = 0;
  private epochs = 0;
  private disposed = false;

  /** @internal Use the builders. */
  constructor(settings: FlowSettings, bijector: Bijector, options: { seed: Seed; optimizer?: tf.Optimizer; learningRate?: number }) {
    this.settings = Object.freeze({ ...settings, hiddenSizes: [...settings.hiddenSizes] });
    this.bijector = bijector;
    this.seed = options.seed;
    const zeros = Array<number>(settings.dim).fill(0);
    this.base = new MultivariateNormalDiag({ loc: zeros, scaleDiag: zeros.map(() => 1) });
    this.ownsOptimizer = options.optimizer === undefined;
    this.optimizer = options.optimizer ?? new Adam(options.learningRate ?? 1e-3);
  }

  /** D. */
  get dim(): number {
    return this.settings.dim;
  }

  /** The context size (0: unconditional). */
  get contextSize(): number {
    return this.settings.contextSize;
  }

  /** The trainable variables (an SVI guide's `variables`). */
  get variables(): readonly tf.Variable[] {
    return this.bijector.variables;
  }

  /** Steps taken by {@link fit} so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * The flow's distribution: batchShape `[]` (or the context's leading axes),
   * eventShape `[D]`. It reads the flow's variables, so gradients reach them;
   * it holds nothing of its own (disposing it is optional).
   */
  distribution(context?: tf.Tensor): TransformedDistribution {
    this.checkNotDisposed('Flow.distribution');
    this.checkContext('Flow.distribution', context);
    return new TransformedDistribution(this.base, this.bijector, { context });
  }

  /** log p(x) for x `[..., D]`, shape `[...]` (one inverse pass; D passes for `iaf`). */
  logProb(x: TensorInput, context?: tf.Tensor): tf.Tensor {
    return this.distribution(context).logProb(x);
  }

  /** `n` draws `[n, ...contextBatch, D]` (one forward pass; D passes for `maf` and autoregressive `nsf`). */
  sample(n: number, options: FlowSampleOptions = {}): tf.Tensor {
    return this.distribution(options.context).sample(n, { seed: options.seed });
  }

  /** Draws and their log-density from one forward pass (see {@link TransformedDistribution.sampleAndLogProb}). */
  sampleAndLogProb(n: number, options: FlowSampleOptions = {}): SampleAndLogProb {
    return this.distribution(options.context).sampleAndLogProb(n, { seed: options.seed });
  }

  /**
   * Maximum likelihood: minibatches of `data` `[N, D]`, each step one
   * optimiser step on −(mean log p(x)) — the loss reported. A non-finite loss
   * or gradient stops the fit with a NonFiniteError and keeps the last good
   * weights. Yields between steps; accepts an AbortSignal; refuses a second
   * concurrent fit. Default batch size 128.
   */
  async fit(data: TrainingData, options: FlowFitOptions = {}): Promise<TrainingResult> {
    const where = 'Flow.fit';
    this.checkNotDisposed(where);
    if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
    const { context: contextInput, ...training } = options;
    if ((contextInput === undefined) !== (this.contextSize === 0)) {
      throw new ValidationError(where, 'context', this.contextSize === 0 ? 'be omitted: the flow is unconditional' : `be given: one [${this.contextSize}] vector per data row`, contextInput);
    }
    const context = contextInput === undefined ? undefined : toTensor(where, 'context', contextInput);
    try {
      if (context !== undefined) {
        const rows = data instanceof tf.Tensor ? data.shape[0] : Array.isArray(data) ? data.length : undefined;
        if (rows === undefined) throw new ValidationError(where, 'data', 'be a tensor or an array when a context is given (its rows are matched with the context rows)', data);
        if (context.rank !== 2 || context.shape[1] !== this.contextSize || context.shape[0] !== rows) {
          throw new ShapeError(where, `context must be [${rows}, ${this.contextSize}] (one row per data row), got [${context.shape.join(',')}]`);
        }
      }
      return await runExclusively(where, this, () =>
        trainingLoop(
          where,
          data,
          training,
          {
            name: 'Flow',
            seed: this.seed,
            beginEpoch: () => ++this.epochs,
            stepCount: () => this.steps,
            step: async ({ data: x, indices }) => {
              this.checkBatch(where, x);
              const rows = context === undefined || indices === null ? undefined : tf.gather(context, indices);
              try {
                const loss = await optimizerStep('Flow', this.steps + 1, this.variables, this.optimizer, () => tf.tidy(() => tf.neg(tf.mean(this.logProb(x, rows))) as tf.Scalar));
                this.steps++;
                return loss;
              } finally {
                rows?.dispose();
              }
            },
          },
          128,
        ),
      );
    } finally {
      if (context !== undefined && context !== contextInput) context.dispose();
    }
  }

  /** The architecture and every weight as JSON-ready {@link SavedFlow}. */
  async save(): Promise<SavedFlow> {
    this.checkNotDisposed('Flow.save');
    return { format: 'latent-flow', version: 1, settings: { ...this.settings, hiddenSizes: [...this.settings.hiddenSizes] }, weights: await saveWeights(this.variables) };
  }

  /**
   * Assigns what {@link save} wrote for the same architecture (build it with
   * the same builder and options first) and returns this flow; a mismatch
   * throws and changes nothing.
   */
  load(saved: SavedFlow): this {
    const where = 'Flow.load';
    this.checkNotDisposed(where);
    checkSavedHeader(where, saved, 'latent-flow', 'Flow.save');
    const settings = saved.settings as unknown as Record<string, unknown> | null;
    if (settings === null || typeof settings !== 'object') throw new ValidationError(where, 'saved.settings', 'be an object', settings);
    for (const [name, value] of Object.entries(this.settings)) {
      const savedValue = settings[name];
      checkSavedSetting(where, `settings.${name}`, Array.isArray(value) && Array.isArray(savedValue) ? savedValue.join(',') : savedValue, Array.isArray(value) ? value.join(',') : value);
    }
    loadWeights(this.variables, saved.weights);
    return this;
  }

  /** Frees the bijector, the base and the optimiser's state (when the flow made the optimiser); the flow then refuses use. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.bijector.dispose();
    this.base.dispose();
    if (this.ownsOptimizer) this.optimizer.dispose();
  }

  private checkNotDisposed(where: string): void {
    if (this.disposed) throw new DisposedError(where, 'Flow');
  }

  private checkContext(where: string, context: tf.Tensor | undefined): void {
    if (this.contextSize > 0 && context === undefined) throw new ValidationError(where, 'context', `be a tensor [..., ${this.contextSize}]: the flow is conditional`, context);
    if (this.contextSize === 0 && context !== undefined) throw new ValidationError(where, 'context', 'be omitted: the flow is unconditional', context);
  }

  private checkBatch(where: string, x: tf.Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw new ShapeError(where, `data rows must have ${this.dim} features: got a batch of shape [${x.shape.join(',')}]`);
  }
}
