import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, DisposedError, ValidationError } from '../errors';
import { randomSeed, seedToUint32, splitSeed } from '../random/seed';
import type { Seed } from '../random/seed';
import type { Activation } from './activation';
import { checkActivation, checkInput, Dense } from './dense';
import { denseStackOp, type DenseStackOp } from './dense-stack';
import type { Network } from './network';
import { loadWeights, saveWeights, type SavedWeights } from './weights';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Layer widths from input to output, e.g. `[64, 256, 256, 16]` (at least two). */
  sizes: readonly number[];
  /** Activation of the hidden layers (default `'relu'`). */
  activation?: Activation;
  /** Activation of the output layer (default `'linear'`). */
  outputActivation?: Activation;
  /** Reproduces every layer's initial weights exactly; random when omitted. */
  seed?: Seed;
}

/**
 * A multilayer perceptron: {@link Dense} layers of the given widths with
 * Glorot-uniform kernels, `activation` between them and `outputActivation`
 * at the end. Maps the last axis of its input, so `[S, B, 8]` latent draws
 * decode to `[S, B, 64]` in one call.
 *
 * @example
 * ```ts
 * const encoder = new MLP({ sizes: [64, 256, 256, 16], seed: 1 });
 * const out = encoder.apply(x); // [batch, 16]
 * const json = await saveWeights(encoder);
 * encoder.dispose();
 * ```
 */
export class MLP implements Network {
  /** Layer widths from input to output. */
  readonly sizes: readonly number[];
  /** The layers, input first. */
  readonly layers: readonly Dense[];
  private readonly op: DenseStackOp;

  constructor(options: MLPOptions) {
    const sizes = options?.sizes;
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new ValidationError('MLP', 'sizes', 'be an array of at least two layer widths (input and output)', sizes);
    }
    sizes.forEach((size, i) => checkPositiveInteger('MLP', `sizes[${i}]`, size));
    const activation = checkActivation('MLP', 'activation', options.activation ?? 'relu');
    const outputActivation = checkActivation('MLP', 'outputActivation', options.outputActivation ?? 'linear');
    if (options.seed !== undefined) seedToUint32(options.seed, 'MLP');
    const seeds = splitSeed(options.seed ?? randomSeed(), sizes.length - 1);
    this.sizes = [...sizes];
    this.layers = seeds.map(
      (seed, i) =>
        new Dense({
          inputSize: sizes[i] as number,
          outputSize: sizes[i + 1] as number,
          activation: i === seeds.length - 1 ? outputActivation : activation,
          seed,
        }),
    );
    this.op = denseStackOp(this.layers);
  }

  /** Every layer's kernel and bias, input layer first. */
  get variables(): readonly tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables);
  }

  /** The output for x `[..., sizes[0]]`, shape `[..., sizes[last]]`. */
  apply(x: tf.Tensor): tf.Tensor {
    this.checkNotDisposed('MLP.apply');
    checkInput('MLP.apply', x, this.sizes[0] as number);
    return this.op(x, ...this.variables);
  }

  /**
   * Every layer's weights as JSON-ready {@link SavedWeights} (see `saveWeights`).
   *
   * @example
   * ```ts
   * const json = JSON.stringify(await mlp.save());
   * ```
   */
  async save(): Promise<SavedWeights> {
    this.checkNotDisposed('MLP.save');
    return saveWeights(this);
  }

  /**
   * Assigns saved weights (same sizes) and returns this network; a mismatch throws and changes nothing.
   *
   * @example
   * ```ts
   * const encoder = new MLP({ sizes: [64, 256, 256, 16] }).load(JSON.parse(json));
   * ```
   */
  load(saved: SavedWeights): this {
    this.checkNotDisposed('MLP.load');
    loadWeights(this, saved);
    return this;
  }

  /** Frees every layer's variables. */
  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }

  private checkNotDisposed(where: string): void {
    if (this.layers.some((layer) => layer.kernel.isDisposed)) throw new DisposedError(where, 'MLP');
  }
}
