import * as tf from '@tensorflow/tfjs-core';
import { MADE } from '../nn/made';
import { Bijector, withContext, type BijectorResult } from './bijector';
import { checkConditionerOptions, type ConditionerOptions } from './conditioner-options';
import type { ElementwiseTransform } from './elementwise-transform';

/**
 * An autoregressive bijector in the masked autoregressive flow's arrangement
 * (Papamakarios et al. 2017): x_i = τ(z_i; θ_i(x_{<i})), θ from a
 * {@link MADE} (and the context, if any). The density direction (inverse) is
 * one parallel pass: θ(x) is known from x. Sampling (forward) takes D
 * passes, each fixing one more coordinate; the first coordinate's θ depends
 * on no coordinate, so without a context the first pass runs on one row
 * (sampling a 2-D MAF: half the matrix products). Wrap it in {@link Invert}
 * for the inverse autoregressive flow, which samples in one pass. The MADE's
 * output layer starts at zero, so the bijector starts as the identity.
 *
 * @example
 * ```ts
 * const layer: Autoregressive = new AffineAutoregressive({ dim: 3, seed: 1 });
 * console.log(layer.singlePass); // 'inverse': density in one pass, sampling in 3
 * ```
 */
export abstract class Autoregressive extends Bijector {
  /** D. */
  readonly dim: number;
  /** θ(x): `[..., D]` (with the context appended) → `[..., D, paramsPerDim]`. */
  readonly made: MADE;
  private readonly transform: ElementwiseTransform & { dispose?: () => void };

  protected constructor(name: string, options: ConditionerOptions, transform: ElementwiseTransform & { dispose?: () => void }) {
    const { dim, contextSize, hiddenSizes } = checkConditionerOptions(name, options, 1);
    super(name, 1, { eventSize: dim, contextSize, singlePass: 'inverse' });
    this.dim = dim;
    this.transform = transform;
    this.made = new MADE({
      inputSize: dim,
      hiddenSizes,
      outputsPerInput: transform.paramsPerDim,
      contextSize,
      activation: options.activation,
      zeroOutput: true,
      seed: options.seed,
    });
  }

  override get variables(): readonly tf.Variable[] {
    return this.made.variables;
  }

  protected transformForward(z: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    // Pass i fixes coordinate i: its parameters depend only on coordinates < i, already final.
    const first = context === undefined ? tf.zeros([...z.shape.slice(0, -1).map(() => 1), this.dim]) : tf.zerosLike(z);
    let { value: x, logDet } = this.transform.forward(z, tf.broadcastTo(this.params(first, context), [...z.shape, this.transform.paramsPerDim]));
    for (let i = 1; i < this.dim; i++) ({ value: x, logDet } = this.transform.forward(z, this.params(x, context)));
    return { value: x, logDet: tf.sum(logDet, -1) };
  }

  protected transformInverse(x: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    const { value, logDet } = this.transform.inverse(x, this.params(x, context));
    return { value, logDet: tf.sum(logDet, -1) };
  }

  private params(x: tf.Tensor, context: tf.Tensor | undefined): tf.Tensor {
    return this.made.apply(withContext(this.name, x, context));
  }

  override dispose(): void {
    this.made.dispose();
    this.transform.dispose?.();
    super.dispose();
  }
}
