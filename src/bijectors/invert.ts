import type * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { Bijector, type BijectorResult, type SinglePass } from './bijector';

const SWAPPED: Record<SinglePass, SinglePass> = { both: 'both', forward: 'inverse', inverse: 'forward', neither: 'neither' };

/**
 * A bijector run backwards: its forward is the wrapped one's inverse. The
 * inverse autoregressive flow is `new Invert(new AffineAutoregressive(...))`:
 * the masked autoregressive flow's parallel direction becomes the sampling
 * one. Holds the wrapped bijector: `dispose` frees it.
 *
 * @example
 * ```ts
 * const log = new Invert(new Exp()); // forward = log
 * ```
 */
export class Invert extends Bijector {
  /** The bijector run backwards. */
  readonly bijector: Bijector;

  constructor(bijector: Bijector) {
    if (!(bijector instanceof Bijector)) throw new ValidationError('Invert', 'bijector', 'be a Bijector', bijector);
    super(`Invert(${bijector.name})`, bijector.eventNdims, {
      eventSize: bijector.eventSize,
      contextSize: bijector.contextSize,
      singlePass: SWAPPED[bijector.singlePass],
    });
    this.bijector = bijector;
  }

  override get variables(): readonly tf.Variable[] {
    return this.bijector.variables;
  }

  protected transformForward(z: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.bijector.inverseAndLogDet(z, context);
  }

  protected transformInverse(x: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.bijector.forwardAndLogDet(x, context);
  }

  /** Frees the wrapped bijector. */
  override dispose(): void {
    this.bijector.dispose();
    super.dispose();
  }
}
