import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, DisposedError, ShapeError, ValidationError } from '../errors';
import { randomSeed, seedToUint32, splitSeed, type Seed } from '../random/seed';
import { ACTIVATIONS, type Activation } from './activation';
import { denseStackOp, type DenseStackOp } from './dense-stack';
import { glorotUniform } from './glorot-uniform';
import type { Network } from './network';
import { loadWeights, saveWeights, type SavedWeights } from './weights';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Features in. */
  inputSize: number;
  /** Features out. */
  outputSize: number;
  /** Applied to x·W + b (default `'linear'`). */
  activation?: Activation;
  /** Reproduces the Glorot-uniform initial kernel exactly; random when omitted. The bias starts at 0. */
  seed?: Seed;
  /**
   * 0/1 entries `[inputSize, outputSize]`: the layer uses W ⊙ mask, so a 0
   * cuts the connection from that input to that output (MADE's masks). Copied.
   */
  mask?: readonly (readonly number[])[];
}

/**
 * A fully connected layer y = f(x·W + b) on tfjs-core variables: a
 * Glorot-uniform kernel W [inputSize, outputSize] and a zero bias b. Inputs
 * of any rank ≥ 1 map their last axis (`[..., inputSize]` → `[..., outputSize]`).
 * Its backward pass avoids tfjs's transposed matMuls (6x faster training on wasm).
 *
 * @example
 * ```ts
 * const layer = new Dense({ inputSize: 64, outputSize: 256, activation: 'relu', seed: 1 });
 * const h = layer.apply(tf.zeros([128, 64])); // [128, 256]
 * layer.dispose();
 * ```
 */
export class Dense implements Network {
  /** Features in. */
  readonly inputSize: number;
  /** Features out. */
  readonly outputSize: number;
  /** Applied to x·W + b. */
  readonly activation: Activation;
  /** W, [inputSize, outputSize]. */
  readonly kernel: tf.Variable;
  /** b, [outputSize]. */
  readonly bias: tf.Variable;
  /** The connection mask, when the layer has one (a constant, not trained). */
  readonly mask: tf.Tensor2D | null;
  private readonly op: DenseStackOp;

  constructor(options: DenseOptions) {
    this.inputSize = checkPositiveInteger('Dense', 'inputSize', options?.inputSize);
    this.outputSize = checkPositiveInteger('Dense', 'outputSize', options.outputSize);
    this.activation = checkActivation('Dense', 'activation', options.activation ?? 'linear');
    if (options.seed !== undefined) seedToUint32(options.seed, 'Dense');
    const [kernelSeed] = splitSeed(options.seed ?? randomSeed(), 1) as [Seed];
    this.mask = options.mask === undefined ? null : checkMask(options.mask, this.inputSize, this.outputSize);
    this.op = denseStackOp([this]);
    // Inside tidy: the initial values are freed, the variables (never tidied) stay.
    this.kernel = tf.tidy(() => tf.variable(glorotUniform(this.inputSize, this.outputSize, { seed: kernelSeed })));
    this.bias = tf.tidy(() => tf.variable(tf.zeros([this.outputSize])));
  }

  /** [kernel, bias]. */
  get variables(): readonly tf.Variable[] {
    return [this.kernel, this.bias];
  }

  /** f(x·W + b) for x `[..., inputSize]`, shape `[..., outputSize]`. */
  apply(x: tf.Tensor): tf.Tensor {
    this.checkNotDisposed('Dense.apply');
    checkInput('Dense.apply', x, this.inputSize);
    return this.op(x, this.kernel, this.bias);
  }

  /**
   * The kernel and bias as JSON-ready {@link SavedWeights} (see `saveWeights`).
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await layer.save());
   * ```
   */
  async save(): Promise<SavedWeights> {
    this.checkNotDisposed('Dense.save');
    return saveWeights(this);
  }

  /**
   * Assigns saved weights (same shapes) and returns this layer; a mismatch throws and changes nothing.
   *
   * @example
   * ```ts
   * new Dense({ inputSize: 64, outputSize: 256 }).load(JSON.parse(json));
   * ```
   */
  load(saved: SavedWeights): this {
    this.checkNotDisposed('Dense.load');
    loadWeights(this, saved);
    return this;
  }

  /** Frees the kernel, the bias and the mask. */
  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
    this.mask?.dispose();
  }

  private checkNotDisposed(where: string): void {
    if (this.kernel.isDisposed) throw new DisposedError(where, 'Dense');
  }
}

function checkMask(mask: unknown, rows: number, columns: number): tf.Tensor2D {
  const fits = Array.isArray(mask) && mask.length === rows && mask.every((row) => Array.isArray(row) && row.length === columns && row.every((v) => v === 0 || v === 1));
  if (!fits) throw new ValidationError('Dense', 'mask', `be a [${rows}, ${columns}] array of 0s and 1s (inputSize × outputSize)`, mask);
  return tf.tensor2d(mask as number[][], [rows, columns]);
}

/** A known activation, or a ValidationError listing them. */
export function checkActivation(where: string, name: string, value: unknown): Activation {
  if (!ACTIVATIONS.includes(value as Activation)) {
    throw new ValidationError(where, name, `be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as Activation;
}

/** x must be a float32 tensor whose last axis has `size` features. */
export function checkInput(where: string, x: unknown, size: number): void {
  if (!(x instanceof tf.Tensor)) throw new ValidationError(where, 'x', 'be a tf.Tensor', x);
  if (x.dtype !== 'float32') throw new ValidationError(where, 'x', 'have dtype float32', x.dtype);
  if (x.rank < 1 || x.shape[x.rank - 1] !== size) {
    throw new ShapeError(where, `x shape [${x.shape.join(',')}] must end in ${size} features`);
  }
}
