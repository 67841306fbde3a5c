import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValidationError } from '../errors';
import { Bijector, sumTrailing, type BijectorResult, type SinglePass } from './bijector';

/**
 * The composition of bijectors, in function order as in TensorFlow
 * Probability: `new Chain([f, g]).forward(z)` is f(g(z)), so the last piece
 * meets the base draws first and the first piece gives the data. Log-dets
 * add; a piece with fewer event axes than the chain has its log-det summed
 * over the rest. The chain holds its pieces: `dispose` frees them.
 *
 * @example
 * ```ts
 * // x = exp(2z + 1): a LogNormal(1, 2) from a standard normal
 * const chain = new Chain([new Exp(), new Shift(1), new Scale(2)]);
 * const x = chain.forward(tf.tensor1d([0])); // [e]
 * ```
 */
export class Chain extends Bijector {
  /** The pieces, outermost (data side) first. */
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: readonly Bijector[]) {
    if (!Array.isArray(bijectors) || bijectors.length === 0 || !bijectors.every((b) => b instanceof Bijector)) {
      throw new ValidationError('Chain', 'bijectors', 'be a non-empty array of Bijector', bijectors);
    }
    const sizes = [...new Set(bijectors.map((b) => b.eventSize).filter((s) => s !== null))];
    if (sizes.length > 1) throw new ShapeError('Chain', `its pieces are built for different dimensions (${bijectors.map((b) => `${b.name}: ${b.eventSize ?? 'any'}`).join(', ')})`);
    const contexts = [...new Set(bijectors.map((b) => b.contextSize).filter((c) => c > 0))];
    if (contexts.length > 1) throw new ShapeError('Chain', `its conditional pieces expect different context sizes (${contexts.join(', ')})`);
    const forward = bijectors.every((b) => b.singlePass === 'both' || b.singlePass === 'forward');
    const inverse = bijectors.every((b) => b.singlePass === 'both' || b.singlePass === 'inverse');
    const singlePass: SinglePass = forward ? (inverse ? 'both' : 'forward') : inverse ? 'inverse' : 'neither';
    super('Chain', Math.max(...bijectors.map((b) => b.eventNdims)), { eventSize: sizes[0] ?? null, contextSize: contexts[0] ?? 0, singlePass });
    this.bijectors = [...bijectors];
  }

  override get variables(): readonly tf.Variable[] {
    return [...new Set(this.bijectors.flatMap((b) => b.variables))];
  }

  protected transformForward(z: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.compose(z, context, [...this.bijectors].reverse(), (b, v, c) => b.forwardAndLogDet(v, c));
  }

  protected transformInverse(x: tf.Tensor, context: tf.Tensor | undefined): BijectorResult {
    return this.compose(x, context, this.bijectors, (b, v, c) => b.inverseAndLogDet(v, c));
  }

  private compose(
    input: tf.Tensor,
    context: tf.Tensor | undefined,
    order: readonly Bijector[],
    apply: (b: Bijector, value: tf.Tensor, context: tf.Tensor | undefined) => BijectorResult,
  ): BijectorResult {
    const rank = input.rank - this.eventNdims;
    let value = input;
    const logDets: tf.Tensor[] = [];
    for (const b of order) {
      const step = apply(b, value, context);
      value = step.value;
      logDets.push(sumTrailing(step.logDet, rank));
    }
    // One sum of all the pieces' log-dets: one kernel forward and backward instead of one per piece.
    return { value, logDet: logDets.length === 1 ? (logDets[0] as tf.Tensor) : tf.addN(logDets) };
  }

  /** Frees every piece. */
  override dispose(): void {
    for (const b of this.bijectors) b.dispose();
    super.dispose();
  }
}
