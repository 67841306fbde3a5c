import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, ValidationError } from '../errors';
import { matrixTranspose } from '../math/matrix-transpose';
import { triangularSolve } from '../math/triangular-solve';
import { permutation as randomPermutation } from '../random/permutation';
import { randomSeed, seedToUint32, type Seed } from '../random/seed';
import { Bijector, type BijectorResult } from './bijector';
import { multiplyLast } from './permute';

/** Options of {@link LULinear}. */
export interface LULinearOptions {
  /** D, the size of the last axis. */
  dim: number;
  /** Draws the fixed permutation P; random when omitted. */
  seed?: Seed;
}

/**
 * An invertible linear map x = W z with W = P L U (Kingma & Dhariwal's
 * Glow, and the linear flows of lecture 3): P a permutation fixed at
 * construction, L unit lower-triangular and U upper-triangular with diagonal
 * exp(logDiag) — all of L, U and logDiag trained. log |det W| = Σ logDiag, so
 * the log-det costs D additions; the inverse solves two triangular systems.
 * Starts as the permutation P (L = U = I).
 *
 * @example
 * ```ts
 * const linear = new LULinear({ dim: 3, seed: 1 });
 * const { value, logDet } = linear.forwardAndLogDet(tf.randomNormal([10, 3])); // logDet [10], 0 at the start
 * linear.dispose();
 * ```
 */
export class LULinear extends Bijector {
  /** D. */
  readonly dim: number;
  /** P as indices: x_i = (L U z)_{permutation[i]}. */
  readonly permutation: readonly number[];
  /** Entries below the diagonal are L's; the rest is unused. */
  readonly lower: tf.Variable;
  /** Entries above the diagonal are U's; the rest is unused. */
  readonly upper: tf.Variable;
  /** log |U_ii|. */
  readonly logDiag: tf.Variable;
  private readonly constants: { below: tf.Tensor2D; above: tf.Tensor2D; eye: tf.Tensor2D; p: tf.Tensor2D };

  constructor(options: LULinearOptions) {
    if (options === null || typeof options !== 'object') throw new ValidationError('LULinear', 'options', 'be an object ({ dim, seed })', options);
    const d = checkPositiveInteger('LULinear', 'dim', options.dim);
    if (options.seed !== undefined) seedToUint32(options.seed, 'LULinear');
    super('LULinear', 1, { eventSize: d });
    this.dim = d;
    this.permutation = Array.from(randomPermutation(d, options.seed ?? randomSeed()));
    const entries = (f: (r: number, c: number) => boolean) => Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (f(r, c) ? 1 : 0)));
    this.constants = {
      below: tf.tensor2d(entries((r, c) => r > c)),
      above: tf.tensor2d(entries((r, c) => r < c)),
      eye: tf.tensor2d(entries((r, c) => r === c)),
      p: tf.tensor2d(entries((r, c) => this.permutation[r] === c)),
    };
    this.lower = tf.variable(tf.zeros([d, d]));
    this.upper = tf.variable(tf.zeros([d, d]));
    this.logDiag = tf.variable(tf.zeros([d]));
  }

  override get variables(): readonly tf.Variable[] {
    return [this.lower, this.upper, this.logDiag];
  }

  /** W = P L U, `[D, D]`. */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const { l, u } = this.factors();
      return tf.matMul(this.constants.p, tf.matMul(l, u));
    });
  }

  protected transformForward(z: tf.Tensor): BijectorResult {
    return { value: multiplyLast(z, matrixTranspose(this.weight()) as tf.Tensor2D), logDet: tf.broadcastTo(tf.sum(this.logDiag), z.shape.slice(0, -1)) };
  }

  protected transformInverse(x: tf.Tensor): BijectorResult {
    const { l, u } = this.factors();
    const { eye, p } = this.constants;
    // W⁻¹ = U⁻¹ L⁻¹ Pᵀ; U⁻¹ = J (J U J)⁻¹ J, J the reversal, since J U J is lower-triangular.
    const flip = (m: tf.Tensor) => tf.reverse(m, [0, 1]);
    const uInverse = flip(triangularSolve(flip(u), eye));
    const inverse = tf.matMul(tf.matMul(uInverse, triangularSolve(l, eye)), matrixTranspose(p)) as tf.Tensor2D;
    return { value: multiplyLast(x, matrixTranspose(inverse) as tf.Tensor2D), logDet: tf.broadcastTo(tf.neg(tf.sum(this.logDiag)), x.shape.slice(0, -1)) };
  }

  private factors(): { l: tf.Tensor2D; u: tf.Tensor2D } {
    const { below, above, eye } = this.constants;
    const l = tf.add(tf.mul(this.lower, below), eye) as tf.Tensor2D;
    const u = tf.add(tf.mul(this.upper, above), tf.mul(eye, tf.exp(this.logDiag))) as tf.Tensor2D;
    return { l, u };
  }

  override dispose(): void {
    tf.dispose([this.lower, this.upper, this.logDiag, ...Object.values(this.constants)]);
    super.dispose();
  }
}
