import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, ValidationError } from '../errors';
import { Bijector, type BijectorResult } from './bijector';

/**
 * Activation normalisation (Kingma & Dhariwal's Glow): x = z · exp(logScale)
 * + shift per feature of the last axis, both trained. Its first
 * `inverseAndLogDet` call (a flow's density direction, with data) sets them
 * from that batch so that z has mean 0 and standard deviation 1 per feature —
 * the data-dependent initialisation; {@link ActNorm.initialize} does it on
 * demand.
 *
 * @example
 * ```ts
 * const norm = new ActNorm({ dim: 2 });
 * const z = norm.inverse(data); // first call: z is standardised, and norm keeps those statistics
 * ```
 */
export class ActNorm extends Bijector {
  /** D. */
  readonly dim: number;
  /** Per-feature shift. */
  readonly shift: tf.Variable;
  /** Per-feature log-scale. */
  readonly logScale: tf.Variable;
  private ready = false;

  constructor(options: { dim: number }) {
    if (options === null || typeof options !== 'object') throw new ValidationError('ActNorm', 'options', 'be an object ({ dim })', options);
    const d = checkPositiveInteger('ActNorm', 'dim', options.dim);
    super('ActNorm', 1, { eventSize: d });
    this.dim = d;
    this.shift = tf.variable(tf.zeros([d]));
    this.logScale = tf.variable(tf.zeros([d]));
  }

  /** Whether the shift and scale have been set from data. */
  get initialized(): boolean {
    return this.ready;
  }

  override get variables(): readonly tf.Variable[] {
    return [this.shift, this.logScale];
  }

  /** Sets shift and scale from data `[..., D]` (at least two rows): its per-feature mean and standard deviation. */
  initialize(x: tf.Tensor): void {
    const rows = x instanceof tf.Tensor ? x.size / this.dim : 0;
    if (!(x instanceof tf.Tensor) || x.shape[x.rank - 1] !== this.dim || rows < 2) {
      throw new ValidationError('ActNorm.initialize', 'x', `be a tensor [..., ${this.dim}] with at least two rows`, x);
    }
    tf.tidy(() => {
      const flat = tf.reshape(x, [rows, this.dim]);
      const { mean, variance } = tf.moments(flat, 0);
      this.shift.assign(mean);
      this.logScale.assign(tf.mul(tf.log(tf.add(variance, 1e-12)), 0.5));
    });
    this.ready = true;
  }

  protected transformForward(z: tf.Tensor): BijectorResult {
    return { value: tf.add(tf.mul(z, tf.exp(this.logScale)), this.shift), logDet: tf.broadcastTo(tf.sum(this.logScale), z.shape.slice(0, -1)) };
  }

  protected transformInverse(x: tf.Tensor): BijectorResult {
    if (!this.ready && x.size / this.dim >= 2) this.initialize(x);
    return { value: tf.mul(tf.sub(x, this.shift), tf.exp(tf.neg(this.logScale))), logDet: tf.broadcastTo(tf.neg(tf.sum(this.logScale)), x.shape.slice(0, -1)) };
  }

  override dispose(): void {
    tf.dispose([this.shift, this.logScale]);
    super.dispose();
  }
}
