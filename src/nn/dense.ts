import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, DisposedError, ShapeError, ValidationError } from '../errors';
import { randomSeed, seedToUint32, splitSeed, type Seed } from '../random/seed';
import { ACTIVATIONS, activate, activationBackward, isFusable, type Activation, type FusedActivation } from './activation';
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

type DenseOp = (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

const unmaskedOps = new Map<Activation, DenseOp>();

/**
 * y = f(x·(W ⊙ mask) + b) with its gradient written for wasm, where most of
 * a small network's training step goes: the forward pass is one fused kernel
 * (tfjs's `fused.matMul` splits into matMul, a broadcast add and the
 * activation while gradients are recorded; the add alone took 24 µs for a
 * [256, 64] batch); the backward pass uses explicit transposes (tfjs's matMul
 * gradient passes `transposeA`/`transposeB`, about 10x slower there than a
 * transpose and a plain matMul) and takes the bias gradient as dᵀ·1 (a
 * [256, 64] sum over the batch transposes first there: 68 µs, against 18).
 * The mask (MADE's) is applied inside, so it is neither recorded nor differentiated.
 */
function denseOp(activation: Activation, mask: tf.Tensor2D | null): DenseOp {
  const cached = mask === null ? unmaskedOps.get(activation) : undefined;
  if (cached !== undefined) return cached;
  const op = tf.customGrad((...args) => {
    const [x, rawKernel, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const kernel = mask === null ? rawKernel : (tf.mul(rawKernel, mask) as tf.Tensor2D);
    const linear = fusedLinear(x, kernel, bias, isFusable(activation) ? activation : 'linear');
    const y = isFusable(activation) ? linear : (activate(activation, linear) as tf.Tensor2D);
    save([x, kernel, y]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [input, weights, output] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const [rows, columns] = output.shape;
        // An empty batch: wasm's matMul over an inner axis of length 0 leaves its output uninitialised.
        if (rows === 0) return [tf.zerosLike(input), tf.zerosLike(weights), tf.zeros([columns])];
        const d = activationBackward(activation, dy as tf.Tensor2D, output) as tf.Tensor2D;
        const kernelGradient = tf.matMul(tf.transpose(input), d);
        return [
          tf.matMul(d, tf.transpose(weights)),
          mask === null ? kernelGradient : tf.mul(kernelGradient, mask),
          tf.reshape(tf.matMul(d, tf.ones([1, rows]), true, true), [columns]),
        ];
      },
    };
  }) as unknown as DenseOp;
  if (mask === null) unmaskedOps.set(activation, op);
  return op;
}

/** x·W + b with the activation applied in the same kernel, on every backend. */
function fusedLinear(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation): tf.Tensor2D {
  const [rows, inputs] = x.shape;
  const outputs = kernel.shape[1];
  const a = tf.reshape(x, [1, rows, inputs]);
  const b = tf.reshape(kernel, [1, inputs, outputs]);
  const y = tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation }) as tf.Tensor;
  return tf.reshape(y, [rows, outputs]);
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
  private readonly op: DenseOp;

  constructor(options: DenseOptions) {
    this.inputSize = checkPositiveInteger('Dense', 'inputSize', options?.inputSize);
    this.outputSize = checkPositiveInteger('Dense', 'outputSize', options.outputSize);
    this.activation = checkActivation('Dense', 'activation', options.activation ?? 'linear');
    if (options.seed !== undefined) seedToUint32(options.seed, 'Dense');
    const [kernelSeed] = splitSeed(options.seed ?? randomSeed(), 1) as [Seed];
    this.mask = options.mask === undefined ? null : checkMask(options.mask, this.inputSize, this.outputSize);
    this.op = denseOp(this.activation, this.mask);
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
    return tf.tidy(() => {
      const rows = x.size / this.inputSize;
      const flat = (x.rank === 2 ? x : tf.reshape(x, [rows, this.inputSize])) as tf.Tensor2D;
      const y = this.op(flat, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outputSize]);
    });
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
