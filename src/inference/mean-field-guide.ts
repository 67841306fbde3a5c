import * as tf from '@tensorflow/tfjs-core';
import { Independent } from '../distributions/independent';
import { Normal } from '../distributions/normal';
import { DisposedError, ShapeError, ValidationError } from '../errors';
import { gather } from '../math/gather';
import { softplus } from '../math/log1p-exp';

/** Options of {@link meanFieldGuide}. */
export interface MeanFieldGuideOptions {
  /** The latent's shape, e.g. `[d]` for one global latent or `[N, d]` for one per data point. */
  shape: readonly number[];
  /**
   * How many trailing axes form one event (default: all of `shape`, one
   * global latent). `shape: [N, d], eventDims: 1` gives N independent
   * d-dimensional latents, batchShape `[N]`, the per-data-point guide.
   */
  eventDims?: number;
  /** Initial means (default 0). */
  initLoc?: number;
  /** Initial standard deviations (default 0.1, as Pyro's `AutoNormal`). */
  initScale?: number;
}

/**
 * A mean-field Gaussian guide: q(z) = ∏ N(z_i; μ_i, softplus(ρ_i)²) over a
 * latent of the given shape, with variables `loc` (μ) and `rawScale` (ρ).
 * Build one with {@link meanFieldGuide}.
 *
 * @example
 * ```ts
 * const guide = meanFieldGuide({ shape: [1000, 2], eventDims: 1 }); // one 2-D latent per data point
 * const q = guide.distribution(indices); // batchShape [B], eventShape [2]
 * ```
 */
export class MeanFieldGuide {
  /** The latent's shape. */
  readonly shape: readonly number[];
  /** How many trailing axes of `shape` form one event. */
  readonly eventDims: number;
  /** μ, of the latent's shape. */
  readonly loc: tf.Variable;
  /** ρ with scale = softplus(ρ), of the latent's shape. */
  readonly rawScale: tf.Variable;

  constructor(options: MeanFieldGuideOptions) {
    const where = 'meanFieldGuide';
    const shape = options?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ValidationError(where, 'shape', 'be an array of positive integers', shape);
    }
    const eventDims = options.eventDims ?? shape.length;
    if (!Number.isInteger(eventDims) || eventDims < 0 || eventDims > shape.length) {
      throw new ValidationError(where, 'eventDims', `be an integer in [0, ${shape.length}]`, eventDims);
    }
    const initLoc = options.initLoc ?? 0;
    const initScale = options.initScale ?? 0.1;
    if (!Number.isFinite(Math.fround(initLoc))) throw new ValidationError(where, 'initLoc', 'be finite', initLoc);
    // The scale is stored as softplus⁻¹(initScale) in float32: it must come back positive and finite.
    if (!(initScale > 0) || !Number.isFinite(initScale)) throw new ValidationError(where, 'initScale', 'be positive and finite', initScale);
    const storedScale = Math.fround(Math.log1p(Math.exp(Math.fround(Math.log(Math.expm1(initScale))))));
    if (!(storedScale >= 2 ** -126 && storedScale < Infinity)) {
      throw new ValidationError(where, 'initScale', 'be positive and representable in float32 (between about 1e-38 and 1e38)', initScale);
    }
    this.shape = [...shape];
    this.eventDims = eventDims;
    // Inside tidy: the initial values are freed, the variables (never tidied) stay.
    this.loc = tf.tidy(() => tf.variable(tf.fill([...shape], initLoc)));
    // softplus⁻¹(s) = log(eᔆ − 1)
    this.rawScale = tf.tidy(() => tf.variable(tf.fill([...shape], Math.log(Math.expm1(initScale)))));
  }

  /** [loc, rawScale]. */
  get variables(): readonly tf.Variable[] {
    return [this.loc, this.rawScale];
  }

  /**
   * q as an `Independent(Normal)`, differentiable in the variables; with
   * `indices` (int32 `[B]`), only those rows of the leading axis: batchShape
   * `[B, ...]`, what SVI's per-data-point batches need. Call it inside
   * `tf.tidy` (SVI does): the distribution's tensors are the tidy's to free.
   */
  distribution(indices?: tf.Tensor1D | null): Independent {
    if (this.loc.isDisposed) throw new DisposedError('MeanFieldGuide.distribution', 'MeanFieldGuide');
    let loc: tf.Tensor = this.loc;
    let raw: tf.Tensor = this.rawScale;
    if (indices !== undefined && indices !== null) {
      if (this.eventDims === this.shape.length) {
        throw new ShapeError(
          'MeanFieldGuide.distribution',
          `indices select rows of a batch axis, but every axis of shape [${this.shape.join(',')}] is an event axis (pass eventDims < ${this.shape.length})`,
        );
      }
      loc = gather(loc, indices);
      raw = gather(raw, indices);
    }
    const scale = softplus(raw);
    return new Independent(new Normal({ loc, scale }, { validateArgs: false }), this.eventDims);
  }

  /** The current standard deviations softplus(ρ), of the latent's shape. */
  scale(): tf.Tensor {
    if (this.rawScale.isDisposed) throw new DisposedError('MeanFieldGuide.scale', 'MeanFieldGuide');
    return tf.tidy(() => softplus(this.rawScale));
  }

  /** Frees the variables. */
  dispose(): void {
    this.loc.dispose();
    this.rawScale.dispose();
  }
}

/**
 * A mean-field Gaussian guide (a diagonal Normal with softplus scales) over a
 * latent of the given shape: for SVI with one set of variational parameters
 * per data point (non-amortized VI), or for global latents.
 *
 * @example
 * ```ts
 * const guide = meanFieldGuide({ shape: [N, 2], eventDims: 1 });
 * const svi = new SVI({
 *   guide: (batch) => guide.distribution(batch.indices),
 *   logJoint, variables: guide.variables, latents: 'local', optimizer: tf.train.adam(0.05),
 * });
 * ```
 */
export function meanFieldGuide(options: MeanFieldGuideOptions): MeanFieldGuide {
  return new MeanFieldGuide(options);
}
