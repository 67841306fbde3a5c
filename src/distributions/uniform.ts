import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { randomUniform } from '../random/sampling';
import type { Seed } from '../random/seed';
import { constraints, type Constraint } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { broadcastShapes, expandTo, sizeOf } from './shapes';
import { checkConstraint, checkParameters } from './validation';
import { flattenNumbers } from '../math/to-tensor';

/** Parameters of {@link Uniform}. */
export interface UniformParameters {
  /** Lower bound, finite. */
  low: TensorInput;
  /** Upper bound, finite and greater than `low`. */
  high: TensorInput;
}

/**
 * The continuous uniform distribution on [low, high], batched over the
 * broadcast shape of `low` and `high`; scalar events. Reparameterised:
 * x = low + (high − low) · u with u ~ U[0, 1).
 *
 * `logProb` is −log(high − low) inside [low, high]. Outside it, a validating
 * instance throws (the check reads the values back: a device sync on GPU
 * backends) and a non-validating one returns −Infinity.
 *
 * @example
 * ```ts
 * const uniform = new Uniform({ low: [0, -1], high: 2 }); // batchShape [2]
 * const x = uniform.rsample(100, { seed: 1 });             // [100, 2], in [low, high)
 * uniform.logProb(x);                                      // [100, 2]: −log 2 and −log 3
 * ```
 */
export class Uniform extends Distribution {
  /** Lower bound (as given). */
  readonly low: tf.Tensor;
  /** Upper bound (as given). */
  readonly high: tf.Tensor;

  constructor(parameters: UniformParameters, options: DistributionOptions = {}) {
    super('Uniform', options);
    try {
      const { low, high } = checkParameters(this.name, parameters, '{ low, high }');
      this.low = this.parameter('low', low, constraints.finite);
      this.high = this.parameter('high', high, constraints.finite);
      this.setShapes(broadcastShapes('Uniform', this.low.shape, this.high.shape, 'low and high shapes'), []);
      if (this.validateArgs) this.checkOrder(low, high);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): Uniform {
    return new Uniform({ low: stopGradient(this.low), high: stopGradient(this.high) }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const u = randomUniform([n, ...this.batchShape], { seed });
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
  }

  /** −log(high − low) on [low, high], −Infinity outside (a validating instance throws there instead). */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value);
      const shape = broadcastShapes(`${this.name}.logProb`, x.shape, this.batchShape);
      const [xs, low, high] = [x, this.low, this.high].map((t) => expandTo(t, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor];
      if (this.validateArgs) {
        const stacked = tf.concat([xs, low, high].map((t) => tf.reshape(t, [-1])));
        checkConstraint(`${this.name}.logProb`, 'value', stacked, shape, valueInBounds);
      }
      const inside = tf.logicalAnd(tf.greaterEqual(xs, low), tf.lessEqual(xs, high));
      return tf.where(inside, tf.neg(tf.log(tf.sub(high, low))), tf.fill(shape, -Infinity));
    });
  }

  /** P(X <= x) = (x − low) / (high − low), clipped to [0, 1]. */
  cdf(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value, constraints.real, 'Uniform.cdf');
      return tf.clipByValue(tf.div(tf.sub(x, this.low), tf.sub(this.high, this.low)), 0, 1);
    });
  }

  /** log(high − low). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.log(tf.sub(this.high, this.low)), this.batchShape));
  }

  /** (low + high) / 2. */
  override mean(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.mul(tf.add(this.low, this.high), 0.5), this.batchShape));
  }

  /** (high − low)² / 12. */
  override variance(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.div(tf.square(tf.sub(this.high, this.low)), 12), this.batchShape));
  }

  /** (high − low) / √12. */
  override stddev(): tf.Tensor {
    return tf.tidy(() => expandTo(tf.div(tf.sub(this.high, this.low), Math.sqrt(12)), this.batchShape));
  }

  /** Throws unless high > low everywhere; numbers and arrays are checked in JS, tensors read back. */
  private checkOrder(low: TensorInput, high: TensorInput): void {
    const shape = this.batchShape;
    if (low instanceof tf.Tensor || high instanceof tf.Tensor) {
      const stacked = tf.tidy(() => tf.concat([this.high, this.low].map((t) => tf.reshape(expandTo(t, shape), [-1]))));
      try {
        checkConstraint(this.name, 'high', stacked, shape, highAboveLow);
      } finally {
        stacked.dispose();
      }
    } else {
      const asFloat32 = (name: string, v: TensorInput) => Array.from(flattenNumbers(this.name, name, v).values);
      const values = [...broadcastFlat(asFloat32('high', high), this.high.shape, shape), ...broadcastFlat(asFloat32('low', low), this.low.shape, shape)];
      checkConstraint(this.name, 'high', values, shape, highAboveLow);
    }
  }
}

/**
 * A constraint on `count` tensors broadcast to one shape and laid end to end:
 * element i breaks it unless `ok` holds for the i-th element of each. The
 * offending value reported is the first tensor's.
 */
function stackedConstraint(rule: string, count: number, ok: (...v: number[]) => boolean): Constraint {
  return {
    rule,
    firstViolation(values) {
      const n = values.length / count;
      for (let i = 0; i < n; i++) {
        if (!ok(...Array.from({ length: count }, (_, k) => values[k * n + i] as number))) return i;
      }
      return -1;
    },
  };
}

const highAboveLow = stackedConstraint('be greater than low', 2, (high, low) => high > low);
const valueInBounds = stackedConstraint('be in [low, high]', 3, (x, low, high) => x >= low && x <= high);

/** Row-major `values` of `shape` broadcast to `to` (which `shape` broadcasts to). */
function broadcastFlat(values: readonly number[], shape: readonly number[], to: readonly number[]): number[] {
  const offset = to.length - shape.length;
  return Array.from({ length: sizeOf(to) }, (_, i) => {
    let rest = i;
    let source = 0;
    let stride = 1;
    for (let axis = to.length - 1; axis >= offset; axis--) {
      const d = to[axis] ?? 1;
      const own = shape[axis - offset] ?? 1;
      if (own !== 1) source += (rest % d) * stride;
      rest = Math.floor(rest / d);
      stride *= own;
    }
    return values[source] as number;
  });
}
