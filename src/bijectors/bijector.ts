import * as tf from '@tensorflow/tfjs-core';
import { DisposedError, ShapeError, ValidationError } from '../errors';
import { checkConstraint } from '../distributions/validation';
import { toTensor, type TensorInput } from '../math/to-tensor';

/** A transformed value with the log of the absolute determinant of the map's Jacobian there. */
export type BijectorResult = {
  /** The image, the shape of the input. */
  value: tf.Tensor;
  /** log |det J|, the input's shape without its last `eventNdims` axes. */
  logDet: tf.Tensor;
};

/**
 * Which directions of a bijector run as one parallel pass; the others take
 * one pass per event dimension (an autoregressive bijector's sequential side).
 */
export type SinglePass = 'both' | 'forward' | 'inverse' | 'neither';

/**
 * An invertible, differentiable map with a tractable log-determinant.
 *
 * **Direction.** `forward` maps the base space to the data space — the
 * sampling direction, as in TensorFlow Probability, Distrax and FlowJAX: a
 * flow draws z from its base and returns `forward(z)`; its density at x needs
 * `inverse(x)`. So `forwardAndLogDet(z)` gives x = f(z) with log |det ∂f/∂z|,
 * and `inverseAndLogDet(x)` gives z = f⁻¹(x) with log |det ∂f⁻¹/∂x| (the
 * negative of the forward one at z). {@link singlePass} says which direction
 * is one parallel pass.
 *
 * **Shapes.** Bijectors keep their input's shape. The last `eventNdims` axes
 * are one event: the log-determinant sums over them, so it has the input's
 * shape without them. Leading axes are a batch.
 *
 * **Context.** A conditional bijector takes a `context` tensor `[..., contextSize]`
 * whose leading axes broadcast with the input's batch axes; others ignore it.
 *
 * **Extending.** A subclass calls `super(name, eventNdims, options)` and
 * implements `transformForward` and `transformInverse` (called inside
 * `tf.tidy` with checked float32 tensors); with trainable parts it overrides
 * `variables` and `dispose`.
 *
 * @example
 * ```ts
 * class Cube extends Bijector { // y = x³ + x, strictly increasing
 *   constructor() { super('Cube', 0); }
 *   protected transformForward(x: tf.Tensor) {
 *     return { value: tf.add(tf.pow(x, 3), x), logDet: tf.log(tf.add(tf.mul(3, tf.square(x)), 1)) };
 *   }
 *   protected transformInverse(): BijectorResult { throw new Error('no closed-form inverse'); }
 * }
 * const { value, logDet } = new Cube().forwardAndLogDet(tf.tensor1d([0, 1]));
 * // value [0, 2], logDet [0, log 4]
 * ```
 */
export abstract class Bijector {
  /** The bijector's name, as used in error messages. */
  readonly name: string;
  /** How many trailing axes form one event (0: elementwise). */
  readonly eventNdims: number;
  /** The size of the last axis it accepts, when fixed (e.g. a coupling's dimension); `null` for any. */
  readonly eventSize: number | null;
  /** The size of the context's last axis: 0 for an unconditional bijector. */
  readonly contextSize: number;
  /** Which direction is one parallel pass. */
  readonly singlePass: SinglePass;
  private disposed = false;

  protected constructor(name: string, eventNdims: number, options: { eventSize?: number | null; contextSize?: number; singlePass?: SinglePass } = {}) {
    this.name = name;
    this.eventNdims = eventNdims;
    this.eventSize = options.eventSize ?? null;
    this.contextSize = options.contextSize ?? 0;
    this.singlePass = options.singlePass ?? 'both';
  }

  /** The trainable variables (none unless a subclass has some). */
  get variables(): readonly tf.Variable[] {
    return [];
  }

  /** x = f(z) and log |det ∂f/∂z|, for z in the base space. */
  forwardAndLogDet(z: TensorInput, context?: tf.Tensor): BijectorResult {
    const where = `${this.name}.forwardAndLogDet`;
    return tf.tidy(() => this.transformForward(this.checkValue(where, z, 'z'), this.checkContext(where, context)));
  }

  /** z = f⁻¹(x) and log |det ∂f⁻¹/∂x|, for x in the data space. */
  inverseAndLogDet(x: TensorInput, context?: tf.Tensor): BijectorResult {
    const where = `${this.name}.inverseAndLogDet`;
    return tf.tidy(() => this.transformInverse(this.checkValue(where, x, 'x'), this.checkContext(where, context)));
  }

  /** x = f(z). */
  forward(z: TensorInput, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardAndLogDet(z, context).value);
  }

  /** z = f⁻¹(x). */
  inverse(x: TensorInput, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.inverseAndLogDet(x, context).value);
  }

  /** Frees what the bijector holds; it then refuses use. */
  dispose(): void {
    this.disposed = true;
  }

  /** Whether {@link dispose} has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** x = f(z) and log |det ∂f/∂z| for a checked float32 z (and context, when conditional); runs inside `tf.tidy`. */
  protected abstract transformForward(z: tf.Tensor, context: tf.Tensor | undefined): BijectorResult;

  /** z = f⁻¹(x) and log |det ∂f⁻¹/∂x| for a checked float32 x (and context, when conditional); runs inside `tf.tidy`. */
  protected abstract transformInverse(x: tf.Tensor, context: tf.Tensor | undefined): BijectorResult;

  private checkValue(where: string, value: TensorInput, argument: string): tf.Tensor {
    if (this.disposed) throw new DisposedError(where, this.name);
    const x = toTensor(where, argument, value);
    if (x.rank < this.eventNdims) throw new ShapeError(where, `${argument} has rank ${x.rank}; ${this.name} needs at least ${this.eventNdims} (its eventNdims)`);
    if (this.eventSize !== null && x.shape[x.rank - 1] !== this.eventSize) {
      throw new ShapeError(where, `${argument} shape [${x.shape.join(',')}] must end in ${this.eventSize} (the dimension ${this.name} was built for)`);
    }
    return x;
  }

  private checkContext(where: string, context: tf.Tensor | undefined): tf.Tensor | undefined {
    if (this.contextSize === 0) return undefined;
    if (!(context instanceof tf.Tensor) || context.isDisposed) {
      throw new ValidationError(where, 'context', `be a tensor [..., ${this.contextSize}] (${this.name} is conditional)`, context);
    }
    if (context.rank < 1 || context.shape[context.rank - 1] !== this.contextSize) {
      throw new ShapeError(where, `context shape [${context.shape.join(',')}] must end in ${this.contextSize} features`);
    }
    return context;
  }
}

/** Sums `logDet` over its trailing axes until it has `rank` axes (a piece's log-det inside a bijector with more event axes). */
export function sumTrailing(logDet: tf.Tensor, rank: number): tf.Tensor {
  if (logDet.rank <= rank) return logDet;
  return tf.sum(logDet, Array.from({ length: logDet.rank - rank }, (_, i) => rank + i));
}

/**
 * `h` `[..., n]` with the context appended on its last axis, the context
 * broadcast over `h`'s leading axes: what a conditioner network reads.
 */
export function withContext(where: string, h: tf.Tensor, context: tf.Tensor | undefined): tf.Tensor {
  if (context === undefined) return h;
  const lead = h.shape.slice(0, -1);
  const c = context.shape[context.rank - 1] as number;
  const ctxLead = context.shape.slice(0, -1);
  const fits = ctxLead.length <= lead.length && ctxLead.every((d, i) => d === 1 || d === lead[lead.length - ctxLead.length + i]);
  if (!fits) throw new ShapeError(where, `context shape [${context.shape.join(',')}] does not broadcast with the value's batch shape [${lead.join(',')}]`);
  return tf.concat([h, tf.broadcastTo(context, [...lead, c])], -1);
}

/**
 * A bijector's parameter as a float32 tensor, checked with `ok` where its
 * values are at hand (JS numbers, or a tensor on a backend that reads
 * synchronously). `owned` says whether the bijector made it (and frees it).
 */
export function bijectorParameter(where: string, argument: string, value: TensorInput, rule: string, ok: (v: number) => boolean): { tensor: tf.Tensor; owned: boolean } {
  const tensor = toTensor(where, argument, value);
  const owned = tensor !== value;
  try {
    checkConstraint(where, argument, tensor, tensor.shape, { rule, firstViolation: (values) => Array.prototype.findIndex.call(values, (v: number) => !ok(v)) });
  } catch (e) {
    if (owned) tensor.dispose();
    throw e;
  }
  return { tensor, owned };
}
