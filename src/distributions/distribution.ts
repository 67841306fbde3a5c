import * as tf from '@tensorflow/tfjs-core';
import { NotImplementedError, ShapeError, ValidationError } from '../errors';
import { checkAllocation } from '../math/check-allocation';
import { probsToLogits } from '../math/probs-to-logits';
import { stopGradient } from '../math/stop-gradient';
import { flattenNumbers, tensorOf, toTensor, type TensorInput } from '../math/to-tensor';
import { randomSeed, type Seed } from '../random/seed';
import type { Constraint } from './constraints';
import { broadcastShapes, normalizeSampleShape, sizeOf } from './shapes';
import { logitsOrProbs, type LogitsOrProbs } from './logits-or-probs';
import { checkConstraint, getValidateArgs } from './validation';
import { constraints } from './constraints';

export type { TensorInput } from '../math/to-tensor';

/** Options every distribution accepts. */
export interface DistributionOptions {
  /**
   * Check parameters against their constraints and `logProb` values against
   * the support (default: {@link getValidateArgs}, on unless turned off).
   * Costs a device sync for tensor arguments on GPU backends.
   */
  validateArgs?: boolean;
}

/** Options of {@link Distribution.sample} and {@link Distribution.rsample}. */
export interface SampleOptions {
  /** Reproduces the draw exactly on every backend; random when omitted. */
  seed?: Seed;
}

/** Draws and their log-density, from {@link Distribution.sampleAndLogProb}. */
export type SampleAndLogProb = {
  /** `sampleShape ++ batchShape ++ eventShape`. */
  sample: tf.Tensor;
  /** `sampleShape ++ batchShape`. */
  logProb: tf.Tensor;
};

/**
 * The base of every distribution.
 *
 * **The shape rule.** A distribution has a `batchShape` (independent,
 * differently parameterised distributions side by side) and an `eventShape`
 * (the shape of one draw). `sample(sampleShape)` returns
 * `sampleShape ++ batchShape ++ eventShape`, and `logProb(x)` reduces over the
 * event dimensions and broadcasts over the rest, returning
 * `sampleShape ++ batchShape`. For example, a
 * `MultivariateNormalDiag({ loc: zeros([3, 2]), scaleDiag: ones([3, 2]) })`
 * has batchShape `[3]` and eventShape `[2]`; `sample([5, 4])` has shape
 * `[5, 4, 3, 2]` and its `logProb` has shape `[5, 4, 3]`. `Independent` turns
 * batch dimensions into event dimensions.
 *
 * **Tensors.** Every method returns new tensors that the caller owns. A
 * distribution holds its parameters: tensors you pass stay yours; those it
 * makes from numbers or arrays are its own, freed by {@link dispose} (inside
 * `tf.tidy` they are freed with the scope, like any tensor made there).
 *
 * **Extending.** A subclass calls `super(name, options)`, converts its
 * parameters with `parameter`, calls `setShapes(batchShape, eventShape)`,
 * implements `sampleN` and `logProb`, and overrides what has a
 * closed form (`entropy`, `mean`, `variance`, `hasRsample`). Register its KL
 * divergences with `registerKL` and check it with `latent/testing`.
 *
 * @example
 * ```ts
 * class MyExponential extends Distribution { // latent has Exponential; this shows the pattern
 *   readonly rate: tf.Tensor;
 *   constructor(rate: TensorInput) {
 *     super('MyExponential');
 *     this.rate = this.parameter('rate', rate, constraints.positive);
 *     this.setShapes(this.rate.shape, []);
 *   }
 *   protected sampleN(n: number, seed: Seed): tf.Tensor {
 *     return tf.div(tf.neg(tf.log(randomUniform([n, ...this.batchShape], { seed }))), this.rate);
 *   }
 *   logProb(x: TensorInput): tf.Tensor {
 *     return tf.tidy(() => tf.sub(tf.log(this.rate), tf.mul(this.rate, this.checkValue(x))));
 *   }
 * }
 * ```
 */
export abstract class Distribution {
  /** The distribution's name, as used in error messages. */
  readonly name: string;
  /** Shape of independent, differently parameterised distributions side by side. */
  readonly batchShape: readonly number[] = [];
  /** Shape of one draw. */
  readonly eventShape: readonly number[] = [];
  /** Whether this instance validates its arguments. */
  readonly validateArgs: boolean;
  private readonly owned: tf.Tensor[] = [];

  protected constructor(name: string, options: DistributionOptions = {}) {
    this.name = name;
    this.validateArgs = options.validateArgs ?? getValidateArgs();
  }

  /** Sets the shapes, once the parameters are known (subclass constructors call it). */
  protected setShapes(batchShape: readonly number[], eventShape: readonly number[]): void {
    (this as { batchShape: readonly number[] }).batchShape = Object.freeze([...batchShape]);
    (this as { eventShape: readonly number[] }).eventShape = Object.freeze([...eventShape]);
  }

  /** Whether {@link rsample} exists: draws are differentiable in the parameters. */
  get hasRsample(): boolean {
    return false;
  }

  /**
   * `n` independent draws, shape `[n, ...batchShape, ...eventShape]`;
   * differentiable in the parameters where {@link hasRsample} is true.
   */
  protected abstract sampleN(n: number, seed: Seed): tf.Tensor;

  /**
   * Log-density (or log-mass) of `value`, reduced over the event dimensions:
   * shape `broadcast(value.shape minus eventShape, batchShape)`.
   */
  abstract logProb(value: TensorInput): tf.Tensor;

  /**
   * Draws with shape `sampleShape ++ batchShape ++ eventShape`, without
   * gradients (see {@link rsample}).
   */
  sample(sampleShape: number | readonly number[] = [], options: SampleOptions = {}): tf.Tensor {
    const shape = normalizeSampleShape(`${this.name}.sample`, sampleShape);
    checkAllocation(`${this.name}.sample`, 'sampleShape', [...shape, ...this.batchShape, ...this.eventShape]);
    return tf.tidy(() => {
      const draws = this.sampleN(sizeOf(shape), options.seed ?? randomSeed());
      return tf.reshape(this.hasRsample ? stopGradient(draws) : draws, [...shape, ...this.batchShape, ...this.eventShape]);
    });
  }

  /**
   * Reparameterised draws: like {@link sample}, but differentiable in the
   * parameters (pathwise gradients). Throws for distributions without a
   * reparameterisation (discrete ones); use a score-function estimator there.
   */
  rsample(sampleShape: number | readonly number[] = [], options: SampleOptions = {}): tf.Tensor {
    if (!this.hasRsample) {
      throw new NotImplementedError(
        `${this.name}.rsample`,
        'this distribution has no reparameterised sampler (it is discrete or has no pathwise gradient); use sample() with a score-function estimator',
      );
    }
    const shape = normalizeSampleShape(`${this.name}.rsample`, sampleShape);
    checkAllocation(`${this.name}.rsample`, 'sampleShape', [...shape, ...this.batchShape, ...this.eventShape]);
    return tf.tidy(() =>
      tf.reshape(this.sampleN(sizeOf(shape), options.seed ?? randomSeed()), [...shape, ...this.batchShape, ...this.eventShape]),
    );
  }

  /**
   * Draws (reparameterised where {@link hasRsample}) with their log-density,
   * as `rsample` (or `sample`) followed by `logProb`. A distribution that
   * gets both more cheaply from one computation overrides it — a flow's
   * forward pass gives log q of its own draws without an inverse — and the
   * ELBO and IWAE estimators use it for pathwise gradients.
   */
  sampleAndLogProb(sampleShape: number | readonly number[] = [], options: SampleOptions = {}): SampleAndLogProb {
    return tf.tidy(() => {
      const sample = this.hasRsample ? this.rsample(sampleShape, options) : this.sample(sampleShape, options);
      return { sample, logProb: this.logProb(sample) };
    });
  }

  /** Density (or mass): `exp(logProb(value))`. */
  prob(value: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logProb(value)));
  }

  /** Entropy, shape `batchShape`. */
  entropy(): tf.Tensor {
    throw this.noClosedForm('entropy');
  }

  /** Mean, shape `batchShape ++ eventShape`. */
  mean(): tf.Tensor {
    throw this.noClosedForm('mean');
  }

  /** Variance, shape `batchShape ++ eventShape`. */
  variance(): tf.Tensor {
    throw this.noClosedForm('variance');
  }

  /** Standard deviation: the square root of {@link variance}. */
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance()));
  }

  /**
   * The same distribution with its parameters held constant for gradients
   * (torch's `detach`): values equal, gradients zero. The STL and DReG
   * estimators evaluate log q with it. Subclasses with parameters override it.
   */
  detach(): Distribution {
    throw new NotImplementedError(`${this.name}.detach`, `${this.name} does not implement detach(), which the STL and DReG gradient estimators need`);
  }

  /** Frees the tensors this distribution made from numbers or arrays. */
  dispose(): void {
    tf.dispose(this.owned.splice(0));
  }

  /** The error for a method this distribution has no closed form for (throw it). */
  protected noClosedForm(what: string): NotImplementedError {
    return new NotImplementedError(`${this.name}.${what}`, `${this.name} has no closed form for ${what}`);
  }

  /**
   * Converts a parameter to a float32 tensor (owned when made here) and, when
   * validating, checks it against `constraint` — the float32 values the
   * tensor holds, so that 1e-46 (0 in float32) is not a positive scale.
   * When it throws, everything this distribution made so far is freed.
   */
  protected parameter(argument: string, value: TensorInput, constraint: Constraint): tf.Tensor {
    try {
      if (value instanceof tf.Tensor) {
        const tensor = this.toFloatTensor(argument, value);
        if (this.validateArgs) checkConstraint(this.name, argument, tensor, tensor.shape, constraint);
        return tensor;
      }
      const { values, shape } = flattenNumbers(this.name, argument, value);
      if (this.validateArgs) checkConstraint(this.name, argument, values, shape, constraint);
      return this.own(tensorOf(this.name, values, shape));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * The log-odds of a two-outcome family from exactly one of `logits` (real;
   * ±Infinity allowed) and `probs` (in [0, 1]; converted, then owned), each
   * checked like any parameter.
   */
  protected binaryLogits(parameters: LogitsOrProbs): tf.Tensor {
    if (logitsOrProbs(this.name, parameters) === 'logits') return this.parameter('logits', parameters.logits as TensorInput, constraints.real);
    const probs = this.parameter('probs', parameters.probs as TensorInput, constraints.unitInterval);
    return this.own(tf.tidy(() => probsToLogits(probs)));
  }

  /** A float32 tensor of `value`; made (and owned) here unless it already is one. */
  protected toFloatTensor(argument: string, value: TensorInput): tf.Tensor {
    const tensor = toTensor(this.name, argument, value);
    return tensor === value ? tensor : this.own(tensor);
  }

  /**
   * What a static `mle` returns: `make()` built from the estimated
   * `parameters`, which it then owns (freed by {@link dispose}). When the
   * estimates are not valid parameters it frees them and throws a
   * ValidationError from `where` that names the data and `why`.
   */
  protected static fitted<D extends Distribution>(where: string, parameters: tf.Tensor[], make: () => D, why: string): D {
    let distribution: D;
    try {
      distribution = make();
    } catch (e) {
      tf.dispose(parameters);
      if (e instanceof ValidationError) throw new ValidationError(where, 'x', why, undefined, e.message);
      throw e;
    }
    distribution.owned.push(...parameters);
    return distribution;
  }

  /** Records a tensor this distribution made, to free it in {@link dispose}. */
  protected own<T extends tf.Tensor>(tensor: T): T {
    this.owned.push(tensor);
    return tensor;
  }

  /**
   * Converts a `logProb` argument to a float32 tensor, checks that its shape
   * broadcasts with `batchShape ++ eventShape` and, when validating, that it
   * lies in `support` (default: not NaN). Call inside `tf.tidy`.
   */
  protected checkValue(value: TensorInput, support: Constraint = constraints.real, where = `${this.name}.logProb`, argument = 'value'): tf.Tensor {
    let x: tf.Tensor;
    let flat: Float32Array | undefined;
    if (value instanceof tf.Tensor) {
      x = toTensor(where, argument, value);
    } else {
      const { values, shape } = flattenNumbers(where, argument, value);
      flat = values;
      x = tensorOf(where, values, shape);
    }
    const eventRank = this.eventShape.length;
    const valueEvent = x.shape.slice(x.rank - eventRank);
    if (x.rank < eventRank || valueEvent.some((d, i) => d !== this.eventShape[i] && d !== 1)) {
      throw new ShapeError(where, `${argument} shape [${x.shape.join(',')}] does not end in eventShape [${this.eventShape.join(',')}]`);
    }
    try {
      broadcastShapes(where, x.shape.slice(0, x.rank - eventRank), this.batchShape);
    } catch {
      throw new ShapeError(where, `${argument} shape [${x.shape.join(',')}] does not broadcast with batchShape [${this.batchShape.join(',')}]`);
    }
    if (this.validateArgs) checkConstraint(where, argument, flat ?? x, x.shape, support);
    return x;
  }
}
