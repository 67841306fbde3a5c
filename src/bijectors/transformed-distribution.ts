import * as tf from '@tensorflow/tfjs-core';
import { Distribution, type DistributionOptions, type SampleAndLogProb, type SampleOptions, type TensorInput } from '../distributions/distribution';
import { broadcastShapes, normalizeSampleShape } from '../distributions/shapes';
import { ShapeError, ValidationError } from '../errors';
import { checkAllocation } from '../math/check-allocation';
import { randomSeed, type Seed } from '../random/seed';
import { Bijector, sumTrailing } from './bijector';

/** Options of {@link TransformedDistribution}. */
export interface TransformedDistributionOptions extends DistributionOptions {
  /**
   * The context a conditional bijector reads, `[..., contextSize]`. Its
   * leading axes join the batch shape: a context `[B, C]` over a base with
   * batchShape `[]` gives a batch of B distributions.
   */
  context?: tf.Tensor;
}

/**
 * The distribution of x = f(z) with z from `base` and f a {@link Bijector}
 * (forward = base to data): log p(x) = log p_base(f⁻¹(x)) + log |det ∂f⁻¹/∂x|.
 * `sample` draws z and applies `forward`; `logProb` applies `inverse`;
 * {@link sampleAndLogProb} does both in one forward pass, with no inverse —
 * what a flow used as a variational posterior needs (zuko's lesson).
 *
 * Shapes: the event is the base's (the bijector's `eventNdims` must not
 * exceed its rank — wrap a batch of scalars in `Independent`); the batch is
 * the base's broadcast with the context's leading axes. Reparameterised
 * whenever the base is. Holds neither the base nor the bijector: dispose
 * them yourself.
 *
 * @example
 * ```ts
 * const logNormal = new TransformedDistribution(new Normal({ loc: 0, scale: 1 }), new Exp());
 * logNormal.logProb(tf.tensor1d([1])).print(); // −½ log 2π ≈ −0.9189
 * const { sample, logProb } = logNormal.sampleAndLogProb(5, { seed: 1 });
 * ```
 */
export class TransformedDistribution extends Distribution {
  /** The distribution of z. */
  readonly base: Distribution;
  /** x = f(z). */
  readonly bijector: Bijector;
  /** The context handed to the bijector, if any. */
  readonly context: tf.Tensor | undefined;
  // The batch axes the base lacks: drawn as extra sample axes.
  private readonly extraBatch: number[];

  constructor(base: Distribution, bijector: Bijector, options: TransformedDistributionOptions = {}) {
    const where = 'TransformedDistribution';
    if (!(base instanceof Distribution)) throw new ValidationError(where, 'base', 'be a Distribution', base);
    if (!(bijector instanceof Bijector)) throw new ValidationError(where, 'bijector', 'be a Bijector', bijector);
    super(where, { validateArgs: options.validateArgs ?? base.validateArgs });
    const event = base.eventShape;
    if (bijector.eventNdims > event.length) {
      throw new ShapeError(where, `${bijector.name} acts on ${bijector.eventNdims}-D events but the base's eventShape is [${event.join(',')}]; wrap the base in Independent`);
    }
    if (bijector.eventSize !== null && event[event.length - 1] !== bijector.eventSize) {
      throw new ShapeError(where, `${bijector.name} was built for dimension ${bijector.eventSize} but the base's eventShape is [${event.join(',')}]`);
    }
    const context = options.context;
    if (bijector.contextSize > 0) {
      if (!(context instanceof tf.Tensor) || context.rank < 1 || context.shape[context.rank - 1] !== bijector.contextSize) {
        throw new ValidationError(where, 'context', `be a tensor [..., ${bijector.contextSize}] (${bijector.name} is conditional)`, context);
      }
    } else if (context !== undefined) {
      throw new ValidationError(where, 'context', `be omitted: ${bijector.name} takes no context`, context);
    }
    const batch = context === undefined ? [...base.batchShape] : broadcastShapes(where, base.batchShape, context.shape.slice(0, -1), 'base batch and context shapes');
    const extra = batch.slice(0, batch.length - base.batchShape.length);
    if (batch.slice(extra.length).some((d, i) => d !== base.batchShape[i])) {
      throw new ShapeError(where, `the base's batchShape [${base.batchShape.join(',')}] must equal the trailing axes of the batch shape [${batch.join(',')}] set by the context`);
    }
    this.base = base;
    this.bijector = bijector;
    this.context = context;
    this.extraBatch = extra;
    this.setShapes(batch, event);
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return this.bijector.forward(this.draw(n, seed), this.context);
  }

  /** log p_base(f⁻¹(x)) + log |det ∂f⁻¹/∂x|, shape `broadcast(x batch, batchShape)`. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value);
      const { value: z, logDet } = this.bijector.inverseAndLogDet(x, this.context);
      return tf.add(this.base.logProb(z), sumTrailing(logDet, x.rank - this.eventShape.length));
    });
  }

  /**
   * Draws and their log-density from one forward pass: log p(x) = log p_base(z)
   * − log |det ∂f/∂z|. Differentiable in the parameters when {@link hasRsample}.
   */
  override sampleAndLogProb(sampleShape: number | readonly number[] = [], options: SampleOptions = {}): SampleAndLogProb {
    const where = `${this.name}.sampleAndLogProb`;
    const shape = normalizeSampleShape(where, sampleShape);
    checkAllocation(where, 'sampleShape', [...shape, ...this.batchShape, ...this.eventShape]);
    return tf.tidy(() => {
      const n = shape.reduce((a, b) => a * b, 1);
      const z = this.draw(n, options.seed ?? randomSeed());
      const { value, logDet } = this.bijector.forwardAndLogDet(z, this.context);
      const logProb = tf.sub(this.base.logProb(z), sumTrailing(logDet, z.rank - this.eventShape.length));
      return {
        sample: tf.reshape(value, [...shape, ...this.batchShape, ...this.eventShape]),
        logProb: tf.reshape(logProb, [...shape, ...this.batchShape]),
      };
    });
  }

  /** n base draws `[n, ...batchShape, ...eventShape]`, reparameterised where the base is. */
  private draw(n: number, seed: Seed): tf.Tensor {
    const shape = [n, ...this.extraBatch];
    return this.base.hasRsample ? this.base.rsample(shape, { seed }) : this.base.sample(shape, { seed });
  }
}
