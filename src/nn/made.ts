import * as tf from '@tensorflow/tfjs-core';
import { checkNonNegativeInteger, checkPositiveInteger, DisposedError, ValidationError } from '../errors';
import { randomSeed, seedToUint32, splitSeed, type Seed } from '../random/seed';
import type { Activation } from './activation';
import { checkActivation, checkInput, Dense } from './dense';
import { denseStackOp, type DenseStackOp } from './dense-stack';
import type { Network } from './network';

/** Options of {@link MADE}. */
export interface MADEOptions {
  /** D, the autoregressive inputs. */
  inputSize: number;
  /** Widths of the hidden layers, e.g. `[64, 64]`. */
  hiddenSizes: readonly number[];
  /** Outputs per input dimension (default 1): e.g. 2 for a shift and a log-scale. */
  outputsPerInput?: number;
  /** Extra inputs every hidden unit may see, e.g. a flow's context (default 0). */
  contextSize?: number;
  /** Activation of the hidden layers (default `'relu'`). */
  activation?: Activation;
  /** Start with a zero output layer, so the outputs are 0 whatever the input (default false). */
  zeroOutput?: boolean;
  /** Reproduces the initial weights exactly; random when omitted. */
  seed?: Seed;
}

/**
 * The masked autoencoder for distribution estimation (Germain et al. 2015):
 * dense layers whose weights are masked so that output `i` depends on inputs
 * `0..i−1` only (and on the context, if any) — one parallel pass gives every
 * conditional of an autoregressive model. Input `i` has degree `i + 1`, hidden
 * units cycle through degrees 1..D−1, and a unit sees only units of lower (or,
 * for hidden units, equal) degree.
 *
 * Output layout: `[..., D, outputsPerInput]` — row `i` holds the outputs for
 * input `i`. Call {@link MADE.apply} with `[..., D]` (plus the context
 * concatenated at the end when `contextSize > 0`).
 *
 * @example
 * ```ts
 * const made = new MADE({ inputSize: 3, hiddenSizes: [16, 16], outputsPerInput: 2, seed: 1 });
 * const out = made.apply(tf.randomNormal([5, 3])); // [5, 3, 2]; out[:, 0] does not depend on the input
 * made.dispose();
 * ```
 */
export class MADE implements Network {
  /** D, the autoregressive inputs. */
  readonly inputSize: number;
  /** Outputs per input dimension. */
  readonly outputsPerInput: number;
  /** Extra, unmasked inputs. */
  readonly contextSize: number;
  /** The masked layers, input first. */
  readonly layers: readonly Dense[];
  private readonly op: DenseStackOp;

  constructor(options: MADEOptions) {
    const where = 'MADE';
    if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
    const d = checkPositiveInteger(where, 'inputSize', options.inputSize);
    const hidden = options.hiddenSizes;
    if (!Array.isArray(hidden) || hidden.length === 0) throw new ValidationError(where, 'hiddenSizes', 'be a non-empty array of layer widths', hidden);
    hidden.forEach((size, i) => checkPositiveInteger(where, `hiddenSizes[${i}]`, size));
    const m = checkPositiveInteger(where, 'outputsPerInput', options.outputsPerInput ?? 1);
    const c = checkNonNegativeInteger(where, 'contextSize', options.contextSize ?? 0);
    const activation = checkActivation(where, 'activation', options.activation ?? 'relu');
    if (options.seed !== undefined) seedToUint32(options.seed, where);
    this.inputSize = d;
    this.outputsPerInput = m;
    this.contextSize = c;
    // Degrees: inputs 1..D (context 0: seen by every hidden unit), hidden units cycle through 1..D−1.
    const inputDegrees = [...Array.from({ length: d }, (_, i) => i + 1), ...Array<number>(c).fill(0)];
    const hiddenDegrees = hidden.map((size) => Array.from({ length: size }, (_, j) => (d === 1 ? 0 : (j % (d - 1)) + 1)));
    const outputDegrees = Array.from({ length: d * m }, (_, unit) => Math.floor(unit / m) + 1);
    const degrees = [inputDegrees, ...hiddenDegrees, outputDegrees];
    const seeds = splitSeed(options.seed ?? randomSeed(), degrees.length - 1);
    const layers: Dense[] = [];
    try {
      for (let l = 0; l + 1 < degrees.length; l++) {
        const from = degrees[l] as number[];
        const to = degrees[l + 1] as number[];
        const output = l + 2 === degrees.length;
        layers.push(
          new Dense({
            inputSize: from.length,
            outputSize: to.length,
            activation: output ? 'linear' : activation,
            mask: from.map((a) => to.map((b) => (output ? a < b : a <= b) ? 1 : 0)),
            seed: seeds[l] as Seed,
          }),
        );
      }
      const last = layers[layers.length - 1] as Dense;
      if (options.zeroOutput) tf.tidy(() => last.kernel.assign(tf.zerosLike(last.kernel)));
    } catch (e) {
      for (const layer of layers) layer.dispose();
      throw e;
    }
    this.layers = layers;
    this.op = denseStackOp(layers);
  }

  /** Every layer's kernel and bias, input layer first. */
  get variables(): readonly tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables);
  }

  /** The outputs for x `[..., inputSize + contextSize]`, shape `[..., inputSize, outputsPerInput]`. */
  apply(x: tf.Tensor): tf.Tensor {
    if ((this.layers[0] as Dense).kernel.isDisposed) throw new DisposedError('MADE.apply', 'MADE');
    checkInput('MADE.apply', x, this.inputSize + this.contextSize);
    return tf.tidy(() => {
      const out = this.op(x, ...this.variables);
      return tf.reshape(out, [...x.shape.slice(0, -1), this.inputSize, this.outputsPerInput]);
    });
  }

  /** Frees every layer. */
  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}

