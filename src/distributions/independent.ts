import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { Distribution, type TensorInput } from './distribution';

/**
 * Treats the last `reinterpretedBatchNdims` batch dimensions of `base` as
 * event dimensions: batchShape is `base.batchShape` without them, eventShape
 * is them followed by `base.eventShape`, and `logProb` and `entropy` sum over
 * them. The way to turn independent scalar distributions into one
 * distribution over vectors (a diagonal Gaussian from a batch of Normals).
 *
 * Validation follows `base`. `Independent` does not own `base`: its
 * {@link dispose} leaves `base` alone, so dispose `base` yourself when done.
 *
 * @example
 * ```ts
 * const normals = new Normal({ loc: tf.zeros([3, 2]), scale: 1 }); // batch [3, 2], event []
 * const diag = new Independent(normals, 1);                       // batch [3],    event [2]
 * diag.logProb(tf.zeros([5, 3, 2]));                              // [5, 3]: sums over the last axis
 * ```
 */
export class Independent extends Distribution {
  /** The distribution whose batch dimensions are reinterpreted (not owned). */
  readonly base: Distribution;
  /** How many of the base's trailing batch dimensions became event dimensions. */
  readonly reinterpretedBatchNdims: number;

  /**
   * @param base - the distribution to wrap; it stays the caller's.
   * @param reinterpretedBatchNdims - an integer in [0, rank of `base.batchShape`].
   */
  constructor(base: Distribution, reinterpretedBatchNdims: number) {
    if (!(base instanceof Distribution)) throw new ValidationError('Independent', 'base', 'be a Distribution', base);
    super('Independent', { validateArgs: base.validateArgs });
    const rank = base.batchShape.length;
    if (!Number.isInteger(reinterpretedBatchNdims) || reinterpretedBatchNdims < 0 || reinterpretedBatchNdims > rank) {
      throw new ValidationError(
        'Independent',
        'reinterpretedBatchNdims',
        `be an integer in [0, ${rank}], the rank of base.batchShape [${base.batchShape.join(',')}]`,
        reinterpretedBatchNdims,
      );
    }
    this.base = base;
    this.reinterpretedBatchNdims = reinterpretedBatchNdims;
    const split = rank - reinterpretedBatchNdims;
    this.setShapes(base.batchShape.slice(0, split), [...base.batchShape.slice(split), ...base.eventShape]);
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Independent {
    return new Independent(this.base.detach(), this.reinterpretedBatchNdims);
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    return this.base.hasRsample ? this.base.rsample(n, { seed }) : this.base.sample(n, { seed });
  }

  /** The base's log-density summed over the reinterpreted dimensions. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      this.checkValue(value);
      // The original value, so that the base checks numbers and arrays against its support without a device sync.
      return this.sumReinterpreted(this.base.logProb(value));
    });
  }

  /** The base's entropy summed over the reinterpreted dimensions. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => this.sumReinterpreted(this.base.entropy()));
  }

  /** The base's mean (the shapes agree: batchShape ++ eventShape is the same). */
  override mean(): tf.Tensor {
    return this.base.mean();
  }

  /** The base's variance. */
  override variance(): tf.Tensor {
    return this.base.variance();
  }

  /** The base's standard deviation. */
  override stddev(): tf.Tensor {
    return this.base.stddev();
  }

  /** Frees nothing: `base` is not owned by this wrapper; dispose it yourself. */
  override dispose(): void {
    super.dispose();
  }

  /** Sums the last `reinterpretedBatchNdims` axes of a tensor whose trailing axes are the base's batch axes. */
  private sumReinterpreted(x: tf.Tensor): tf.Tensor {
    const n = this.reinterpretedBatchNdims;
    if (n === 0) return tf.clone(x);
    return sum(x, Array.from({ length: n }, (_, i) => x.rank - n + i));
  }
}
