import * as tf from '@tensorflow/tfjs-core';
import { runHostKernel, type HostKernel } from '../backend/host-kernel';
import { checkPositiveInteger, LatentError, NonFiniteError, ShapeError, ValidationError } from '../errors';
import { toTensor } from '../math/to-tensor';
import { permutation } from '../random/permutation';
import { SeedStream, type Seed } from '../random/seed';
import { yieldToEventLoop } from './yield-to-event-loop';

/** What `onStep` receives during a fit ({@link SVI.fit}, {@link VAE.fit}, {@link Flow.fit}). */
export interface TrainingStep {
  /** Steps taken by the model so far, this one included. */
  step: number;
  /** The epoch (from 1) of this fit that the step belongs to. */
  epoch: number;
  /** The loss of this step. */
  loss: number;
}

/** Options of every gradient-based fit; at least one of `steps` and `epochs` (default `epochs: 1`). */
export interface TrainingOptions {
  /** Stop after this many steps. */
  steps?: number;
  /** Stop after this many passes over the data. An iterable is iterated anew each epoch. */
  epochs?: number;
  /** Rows per step when the data is a tensor (default 32 for SVI, 128 for VAE and Flow; at most the data set). */
  batchSize?: number;
  /** Visit a tensor's rows in a new seeded random order each epoch (default true). */
  shuffle?: boolean;
  /** Called after every step; may be async. */
  onStep?: (step: TrainingStep) => void | Promise<void>;
  /** Called after every epoch with its mean loss; may be async. */
  onEpoch?: (epoch: { epoch: number; loss: number }) => void | Promise<void>;
  /** Stops the fit before the next step (checked before the first and after each `onStep`/`onEpoch`); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What a fit returns. */
export interface TrainingResult {
  /** The loss of every step of this fit. */
  losses: number[];
  /** Steps taken by this fit. */
  steps: number;
  /** Epochs begun by this fit. */
  epochs: number;
}

/**
 * What a fit trains on: a tensor `[N, ...]` or a rectangular nested array of
 * numbers, cut into batches; or batches from an iterable or async iterable
 * of tensors.
 */
export type TrainingData = tf.Tensor | number[] | number[][] | number[][][] | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;

/** One minibatch: its rows, and their indices in the data set when the loop cut it from a tensor. */
export interface TrainingBatch {
  data: tf.Tensor;
  indices: tf.Tensor1D | null;
}

/** The model a {@link trainingLoop} drives. */
export interface Trainable {
  /** The engine's name, for messages. */
  readonly name: string;
  /** Root of the epochs' batch orders. */
  readonly seed: Seed;
  /** Counts an epoch begun (over the model's life) and returns its number, which seeds its order. */
  beginEpoch(): number;
  /** One optimiser step on a batch; resolves to its loss. `datasetRows`: the rows of the tensor being cut, if any. */
  step(batch: TrainingBatch, datasetRows: number | undefined): Promise<number>;
  /** The model's steps so far, for `onStep`. */
  stepCount(): number;
  /** When set, a tensor must have this many rows. */
  readonly datasetSize?: number;
}

/**
 * The one training loop of latent's gradient-based engines: minibatches in a
 * seeded order, an optimiser step each (see {@link optimizerStep}), progress
 * callbacks, abort, and a yield to the event loop between steps.
 */
export async function trainingLoop(where: string, source: TrainingData, options: TrainingOptions, model: Trainable, defaultBatchSize: number): Promise<TrainingResult> {
  if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
  // A nested array of numbers is data, not an iterable of batches: one tensor, freed after the fit.
  const numbers = Array.isArray(source) && source.length > 0 && !(source[0] instanceof tf.Tensor);
  const data = numbers ? toTensor(where, 'data', source) : (source as Exclude<TrainingData, number[] | number[][] | number[][][]>);
  try {
    return await runEpochs(where, data, options, model, defaultBatchSize);
  } finally {
    if (numbers) (data as tf.Tensor).dispose();
  }
}

async function runEpochs(
  where: string,
  data: tf.Tensor | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>,
  options: TrainingOptions,
  model: Trainable,
  defaultBatchSize: number,
): Promise<TrainingResult> {
  const { onStep, onEpoch, signal, shuffle = true } = options;
  const maxSteps = options.steps ?? Infinity;
  const maxEpochs = options.epochs ?? (options.steps === undefined ? 1 : Infinity);
  if (options.steps !== undefined) checkPositiveInteger(where, 'steps', options.steps);
  if (options.epochs !== undefined) checkPositiveInteger(where, 'epochs', options.epochs);
  const batches = batchSource(where, data, options.batchSize, defaultBatchSize, model);
  const datasetRows = data instanceof tf.Tensor ? data.shape[0] : undefined;
  signal?.throwIfAborted();
  const losses: number[] = [];
  let epochs = 0;
  while (epochs < maxEpochs && losses.length < maxSteps) {
    epochs++;
    const epochSeed = new SeedStream(model.seed, `SVI.epoch.${model.beginEpoch()}`).next();
    let epochLoss = 0;
    let epochSteps = 0;
    await yieldToEventLoop(); // the setup (checks, the epoch's order) and the first step are separate tasks in a browser
    for await (const batch of batches(epochSeed, shuffle)) {
      try {
        signal?.throwIfAborted();
        const loss = await model.step(batch, datasetRows);
        losses.push(loss);
        epochLoss += loss;
        epochSteps++;
      } finally {
        batch.release();
      }
      await onStep?.({ step: model.stepCount(), epoch: epochs, loss: losses[losses.length - 1] as number });
      signal?.throwIfAborted();
      if (losses.length >= maxSteps) break;
      await yieldToEventLoop();
    }
    if (epochSteps === 0) {
      throw new ValidationError(where, 'data', `yield at least one batch per epoch (epoch ${epochs} had none; a generator can be iterated only once — for more than one epoch pass an object whose [Symbol.asyncIterator]() starts a new pass)`);
    }
    await onEpoch?.({ epoch: epochs, loss: epochLoss / epochSteps });
    signal?.throwIfAborted();
  }
  return { losses, steps: losses.length, epochs };
}

/**
 * One optimiser step on `loss()`: its value and gradients, a check that all
 * are finite, then `applyGradients`. A non-finite loss or gradient throws a
 * NonFiniteError naming `owner` and the step, before the optimiser touches
 * anything: the variables keep their last finite values.
 */
export async function optimizerStep(owner: string, step: number, variables: readonly tf.Variable[], optimizer: tf.Optimizer, loss: () => tf.Scalar): Promise<number> {
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(loss, [...variables]);
  } catch (e) {
    disposeAbandonedTape();
    throw e;
  }
  const { value, grads } = result;
  try {
    const names = Object.keys(grads);
    const check = tf.tidy(() => tf.stack([value, finiteness(names.map((name) => grads[name] as tf.Tensor))]));
    const [lossValue, allFinite] = (await check.data()) as unknown as [number, number];
    check.dispose();
    if (!Number.isFinite(lossValue)) throw new NonFiniteError(owner, `the loss is ${lossValue} at step ${step}; the variables keep their values from step ${step - 1}`);
    if (!Number.isFinite(allFinite)) {
      const each = tf.tidy(() => tf.stack(names.map((name) => finiteness([grads[name] as tf.Tensor]))));
      const bad = names[(await each.data()).findIndex(Number.isNaN)];
      each.dispose();
      throw new NonFiniteError(owner, `the gradient of variable '${bad}' is not finite at step ${step}; the variables keep their values from step ${step - 1}`);
    }
    optimizer.applyGradients(grads);
    return lossValue;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** A scalar: 0 when every entry of `gradients` is finite, NaN otherwise (Σ 0·g; never overflows). */
function finiteness(gradients: tf.Tensor[]): tf.Tensor {
  if (gradients.every((g) => g.dtype === 'float32')) {
    const [result] = runHostKernel('LatentFiniteness', finitenessKernel, gradients) ?? [];
    if (result !== undefined) return result;
  }
  return tf.sum(tf.mul(tf.concat(gradients.map((g) => tf.reshape(g, [-1]))), 0));
}

/**
 * {@link finiteness} on cpu and wasm: one loop over the gradients where they
 * lie, stopping at the first non-finite entry (a RealNVP's 48 gradients on
 * wasm: 0.55 → 0.2 ms, where the ops reshaped each and concatenated them).
 */
const finitenessKernel: HostKernel = (inputs, io) => {
  const out = io.output([]);
  let result = 0;
  for (const input of inputs) {
    const [values, start] = io.view(input);
    for (let i = start, end = start + tf.util.sizeFromShape(input.shape); i < end && result === 0; i++) result = (values[i] as number) * 0;
  }
  const [target, at] = io.view(out);
  target[at] = result;
  return [out];
};

/** Throws a ValidationError naming `where` unless `optimizer` is omitted or a tf.Optimizer. */
export function checkOptimizer(where: string, optimizer: unknown): void {
  const o = optimizer as Partial<tf.Optimizer> | null | undefined;
  if (o !== undefined && (o === null || typeof o !== 'object' || typeof o.applyGradients !== 'function')) {
    throw new ValidationError(where, 'optimizer', 'be a tf.train optimiser, e.g. tf.train.adam(0.01)', optimizer);
  }
}

/**
 * When the function given to tf.variableGrads throws, tfjs leaves the tensors
 * its tape saved for the backward pass alive (it frees them only after a
 * backward pass): free them, as tfjs itself does after a successful one.
 */
function disposeAbandonedTape(): void {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; activeTape: Array<{ saved?: tf.Tensor[] }> | null } }).state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}

function describeShape(t: unknown): string {
  return t instanceof tf.Tensor ? `shape [${t.shape.join(',')}]` : String(t);
}

interface SourceBatch extends TrainingBatch {
  release(): void;
}

/** A function giving each epoch's batches (seeded order for a tensor). */
function batchSource(
  where: string,
  data: tf.Tensor | Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>,
  batchSize: number | undefined,
  defaultBatchSize: number,
  { name, datasetSize }: Trainable,
): (epochSeed: Seed, shuffle: boolean) => AsyncIterable<SourceBatch> {
  if (data instanceof tf.Tensor) {
    if (data.rank < 1 || data.shape[0] === 0) throw new ValidationError(where, 'data', 'have at least one row', data);
    const rows = data.shape[0] as number;
    if (datasetSize !== undefined && datasetSize !== rows) {
      throw new ShapeError(where, `data has ${rows} rows but ${name} was built with datasetSize ${datasetSize}`);
    }
    const size = batchSize ?? Math.min(defaultBatchSize, rows);
    checkPositiveInteger(where, 'batchSize', size);
    return async function* (epochSeed, shuffle) {
      const order = shuffle ? permutation(rows, epochSeed) : Int32Array.from({ length: rows }, (_, i) => i);
      for (let start = 0; start < rows; start += size) {
        const indices = tf.tensor1d(order.subarray(start, Math.min(rows, start + size)), 'int32');
        const batch = tf.gather(data, indices);
        yield { data: batch, indices, release: () => tf.dispose([batch, indices]) };
      }
    };
  }
  const iterable = data as Partial<Iterable<tf.Tensor> & AsyncIterable<tf.Tensor>>;
  if (typeof iterable?.[Symbol.asyncIterator] !== 'function' && typeof iterable?.[Symbol.iterator] !== 'function') {
    throw new ValidationError(where, 'data', 'be a tf.Tensor, a rectangular nested array of numbers, or an iterable or async iterable of batch tensors', data);
  }
  if (batchSize !== undefined) throw new ValidationError(where, 'batchSize', 'be omitted when data is an iterable (it yields its own batches)', batchSize);
  // An array's tensors stay the caller's (it is iterated again each epoch); what an iterator yields is the loop's to free.
  const owned = !Array.isArray(data);
  return async function* () {
    for await (const batch of data as AsyncIterable<tf.Tensor>) {
      if (!(batch instanceof tf.Tensor)) throw new LatentError(`${where}: the data iterable yielded ${describeShape(batch)}, not a tf.Tensor`);
      yield { data: batch, indices: null, release: () => (owned ? batch.dispose() : undefined) };
    }
  };
}
