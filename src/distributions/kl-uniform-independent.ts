import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { sum } from '../math/sum';
import type { Independent } from './independent';
import { kl } from './kl';
import type { Normal } from './normal';
import { expandTo, klBatchShape } from './shapes';
import type { Uniform } from './uniform';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** KL(U[lp, hp] ‖ U[lq, hq]) = log((hq − lq) / (hp − lp)) when [lp, hp] ⊆ [lq, hq], +Infinity otherwise. */
export function klUniformUniform(p: Uniform, q: Uniform): tf.Tensor {
  return tf.tidy(() => {
    const shape = klBatchShape(p, q);
    const [lp, hp, lq, hq] = [p.low, p.high, q.low, q.high].map((t) => expandTo(t, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const logRatio = tf.sub(tf.log(tf.sub(hq, lq)), tf.log(tf.sub(hp, lp)));
    const contained = tf.logicalAnd(tf.lessEqual(lq, lp), tf.lessEqual(hp, hq));
    return tf.where(contained, logRatio, tf.fill(shape, Infinity));
  });
}

/**
 * KL(U[l, h] ‖ N(μ, σ²)) = −log r + ½ log 2π + ½(r²/12 + d²), the cross-entropy
 * minus the entropy, with r = (h − l)/σ and d = ((l + h)/2 − μ)/σ.
 */
export function klUniformNormal(p: Uniform, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.div(tf.sub(p.high, p.low), q.scale);
    const d = tf.div(tf.sub(tf.mul(tf.add(p.low, p.high), 0.5), q.loc), q.scale);
    const quadratic = tf.mul(tf.add(tf.div(tf.square(r), 12), tf.square(d)), 0.5);
    return expandTo(tf.add(tf.sub(quadratic, tf.log(r)), HALF_LOG_TWO_PI), klBatchShape(p, q));
  });
}

/** KL(N ‖ U) = +Infinity: the normal's support (the real line) is not inside [low, high]. */
export function klNormalUniform(p: Normal, q: Uniform): tf.Tensor {
  return tf.fill(klBatchShape(p, q), Infinity);
}

/**
 * KL of two {@link Independent}s with the same event shape and the same
 * `reinterpretedBatchNdims`: the KL of their bases summed over the
 * reinterpreted dimensions.
 */
export function klIndependentIndependent(p: Independent, q: Independent): tf.Tensor {
  const where = 'kl(Independent ‖ Independent)';
  const n = p.reinterpretedBatchNdims;
  if (n !== q.reinterpretedBatchNdims) {
    throw new ShapeError(
      where,
      `reinterpretedBatchNdims must be equal (got ${n} and ${q.reinterpretedBatchNdims}, event shapes [${p.eventShape.join(',')}] and [${q.eventShape.join(',')}])`,
    );
  }
  if (p.eventShape.length !== q.eventShape.length || p.eventShape.some((d, i) => d !== q.eventShape[i])) {
    throw new ShapeError(where, `event shapes must be equal (got [${p.eventShape.join(',')}] and [${q.eventShape.join(',')}])`);
  }
  return tf.tidy(() => {
    const base = kl(p.base, q.base);
    return n === 0 ? base : sum(base, Array.from({ length: n }, (_, i) => base.rank - n + i));
  });
}
