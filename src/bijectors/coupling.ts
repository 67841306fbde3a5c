import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { MLP } from '../nn/mlp';
import { Bijector, withContext, type BijectorResult } from './bijector';
import { checkConditionerOptions, type ConditionerOptions } from './conditioner-options';
import type { ElementwiseTransform } from './elementwise-transform';

/**
 * A coupling layer (Dinh et al.'s RealNVP): the first ⌊D/2⌋ coordinates
 * pass unchanged and, through an MLP (with the context, if any), choose the
 * elementwise transform of the others. Both directions are one pass; the
 * log-det sums the transform's. The MLP's last layer starts at zero, so the
 * layer starts as the identity. {@link AffineCoupling} and
 * {@link SplineCoupling} choose the transform.
 *
 * @example
 * ```ts
 * const layer: Coupling = new AffineCoupling({ dim: 4, seed: 1 });
 * console.log(layer.split, layer.singlePass); // 2 'both'
 * ```
 */
export abstract class Coupling extends Bijector {
  /** D. */
  readonly dim: number;
  /** Coordinates that pass unchanged (the first ones). */
  readonly split: number;
  /** Maps the passed coordinates (and the context) to the transform's parameters. */
  readonly conditioner: MLP;
  private readonly transform: ElementwiseTransform & { dispose?: () => void };

  protected constructor(name: string, options: ConditionerOptions, transform: ElementwiseTransform & { dispose?: () => void }) {
    const { dim, contextSize, hiddenSizes } = checkConditionerOptions(name, options, 0);
    if (dim < 2) throw new ValidationError(name, 'dim', 'be at least 2 (half the coordinates condition the other half)', dim);
    super(name, 1, { eventSize: dim, contextSize });
    this.dim = dim;
    this.split = Math.floor(dim / 2);
    this.transform = transform;
    this.conditioner = new MLP({
      sizes: [this.split + contextSize, ...hiddenSizes, (dim - this.split) * transform.paramsPerDim],
      activation: options.activation,
      seed: options.seed,
    });
    const last = this.conditioner.layers[this.conditioner.layers.length - 1];
    if (last !== undefined) tf.tidy(() => last.kernel.assign(tf.zerosLike(last.kernel)));
  }

  override get variables(): readonly tf.Variable[] {
    return this.conditioner.variables;
  }

  protected transformForward(z: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.couple(z, context, (v, p) => this.transform.forward(v, p));
  }

  protected transformInverse(x: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.couple(x, context, (v, p) => this.transform.inverse(v, p));
  }

  private couple(input: tf.Tensor, context: tf.Tensor | undefined, apply: (v: tf.Tensor, params: tf.Tensor) => BijectorResult): BijectorResult {
    const [kept, changed] = tf.split(input, [this.split, this.dim - this.split], -1) as [tf.Tensor, tf.Tensor];
    const out = this.conditioner.apply(withContext(this.name, kept, context));
    const params = tf.reshape(out, [...kept.shape.slice(0, -1), this.dim - this.split, this.transform.paramsPerDim]);
    const { value, logDet } = apply(changed, params);
    return { value: tf.concat([kept, value], -1), logDet: tf.sum(logDet, -1) };
  }

  override dispose(): void {
    this.conditioner.dispose();
    this.transform.dispose?.();
    super.dispose();
  }
}
