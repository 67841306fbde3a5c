import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { matrixDiag } from '../math/matrix-diag';
import { matrixDiagPart } from '../math/matrix-diag-part';
import { sum } from '../math/sum';
import { triangularSolve } from '../math/triangular-solve';
import { tril } from '../math/tril';
import type { Distribution } from './distribution';
import type { MultivariateNormalDiag } from './multivariate-normal-diag';
import type { MultivariateNormalTriL } from './multivariate-normal-tril';
import { broadcastShapes, expandTo } from './shapes';

// KL(N(μp, Σp) ‖ N(μq, Σq)) = ½[tr(Σq⁻¹Σp) + (μq − μp)ᵀΣq⁻¹(μq − μp) − d + log det Σq − log det Σp].
// With Σ = L Lᵀ: tr(Σq⁻¹Σp) = ‖Lq⁻¹Lp‖²_F, the quadratic form is ‖Lq⁻¹(μq − μp)‖², and
// ½ log det Σ = Σ log diag L. No covariance is ever formed or inverted.

/** The batch shape of KL(p ‖ q), after checking that both have the same event size. */
function klBatchShape(p: Distribution, q: Distribution): number[] {
  const dp = p.eventShape[0];
  const dq = q.eventShape[0];
  if (dp !== dq) {
    throw new ShapeError('kl', `${p.name} ‖ ${q.name}: event shapes [${dp}] and [${dq}] differ`);
  }
  return broadcastShapes('kl', p.batchShape, q.batchShape, `${p.name} ‖ ${q.name}: batch shapes`);
}

/** ½(‖solved‖²_F − d) + log det Lq − log det Lp, where `solved` = Lq⁻¹ [Lp | μp − μq]. */
function fromSolved(solved: tf.Tensor, d: number, logDetQ: tf.Tensor, logDetP: tf.Tensor, batch: readonly number[]): tf.Tensor {
  const half = tf.mul(tf.sub(sum(tf.square(solved), [-2, -1]), d), 0.5);
  return expandTo(tf.add(half, tf.sub(logDetQ, logDetP)), batch);
}

/** KL(p ‖ q) for q with a lower-triangular scale, given p's scale as a matrix. */
function klToTriL(locP: tf.Tensor, scaleP: tf.Tensor, logDetP: tf.Tensor, q: MultivariateNormalTriL, batch: number[]): tf.Tensor {
  const d = q.eventShape[0] as number;
  const rhs = tf.concat(
    [expandTo(scaleP, [...batch, d, d]), expandTo(tf.expandDims(tf.sub(locP, q.loc), -1), [...batch, d, 1])],
    -1,
  );
  const solved = triangularSolve(q.scaleTril, rhs);
  const logDetQ = sum(tf.log(matrixDiagPart(q.scaleTril)), -1);
  return fromSolved(solved, d, logDetQ, logDetP, batch);
}

/**
 * KL(p ‖ q) between two {@link MultivariateNormalDiag}: ½ Σᵢ (rᵢ + δᵢ² − 1 − log rᵢ)
 * with rᵢ = (σpᵢ/σqᵢ)² and δᵢ = (μpᵢ − μqᵢ)/σqᵢ.
 *
 * @example
 * ```ts
 * kl(new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] }), new MultivariateNormalDiag({ loc: [1, 0], scaleDiag: [1, 1] })); // 0.5
 * ```
 */
export function klMvnDiagMvnDiag(p: MultivariateNormalDiag, q: MultivariateNormalDiag): tf.Tensor {
  const batch = klBatchShape(p, q);
  return tf.tidy(() => {
    const d = p.eventShape[0] as number;
    const ratio = expandTo(tf.square(tf.div(p.scaleDiag, q.scaleDiag)), [d]);
    const delta = tf.div(tf.sub(p.loc, q.loc), q.scaleDiag);
    const terms = tf.sub(tf.add(ratio, tf.square(delta)), tf.add(1, tf.log(ratio)));
    return expandTo(tf.mul(sum(terms, -1), 0.5), batch);
  });
}

/**
 * KL(p ‖ q) between two {@link MultivariateNormalTriL}, by one triangular solve with Lq.
 *
 * @example
 * ```ts
 * const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
 * kl(p, new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0, 1]] })); // 0.125
 * ```
 */
export function klMvnTriLMvnTriL(p: MultivariateNormalTriL, q: MultivariateNormalTriL): tf.Tensor {
  const batch = klBatchShape(p, q);
  return tf.tidy(() => {
    const logDetP = sum(tf.log(matrixDiagPart(p.scaleTril)), -1);
    return klToTriL(p.loc, tril(p.scaleTril), logDetP, q, batch);
  });
}

/**
 * KL(p ‖ q) from a {@link MultivariateNormalDiag} to a {@link MultivariateNormalTriL}.
 *
 * @example
 * ```ts
 * const q = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
 * kl(q, new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] })); // 0.125
 * ```
 */
export function klMvnDiagMvnTriL(p: MultivariateNormalDiag, q: MultivariateNormalTriL): tf.Tensor {
  const batch = klBatchShape(p, q);
  return tf.tidy(() => {
    const d = p.eventShape[0] as number;
    const scaleDiag = expandTo(p.scaleDiag, [d]);
    return klToTriL(p.loc, matrixDiag(scaleDiag), sum(tf.log(scaleDiag), -1), q, batch);
  });
}

/**
 * KL(p ‖ q) from a {@link MultivariateNormalTriL} to a {@link MultivariateNormalDiag}: Lq⁻¹ scales rows.
 *
 * @example
 * ```ts
 * const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
 * kl(p, new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] })); // 0.125
 * ```
 */
export function klMvnTriLMvnDiag(p: MultivariateNormalTriL, q: MultivariateNormalDiag): tf.Tensor {
  const batch = klBatchShape(p, q);
  return tf.tidy(() => {
    const d = p.eventShape[0] as number;
    const scaleQ = expandTo(q.scaleDiag, [d]);
    const rhs = tf.concat(
      [expandTo(tril(p.scaleTril), [...batch, d, d]), expandTo(tf.expandDims(tf.sub(p.loc, q.loc), -1), [...batch, d, 1])],
      -1,
    );
    const solved = tf.div(rhs, tf.expandDims(scaleQ, -1));
    const logDetP = sum(tf.log(matrixDiagPart(p.scaleTril)), -1);
    return fromSolved(solved, d, sum(tf.log(scaleQ), -1), logDetP, batch);
  });
}
