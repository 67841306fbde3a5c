import * as tf from '@tensorflow/tfjs-core';
import { broadcastArguments } from './broadcast-arguments';
import { canReadSync } from './can-read-sync';
import { lbeta } from './lbeta';
import { log1p } from './log1p';
import { sumToShape } from './sum-to-shape';

// The continued fraction needs about 3√max(a, b) + 30 terms on the side of the mode where it is used;
// where the backend can read back synchronously the count follows the largest parameter, elsewhere
// the cap, enough for parameters up to about 5e3.
const MAX_TERMS = 256;

function termCount(a: tf.Tensor, b: tf.Tensor): number {
  if (!canReadSync()) return MAX_TERMS;
  const largest = tf.tidy(() => tf.maximum(tf.max(a), tf.max(b))).dataSync()[0] as number;
  return Math.min(MAX_TERMS, Math.ceil(3 * Math.sqrt(Math.max(largest, 0)) + 30));
}

/**
 * The continued fraction of I_x(a, b) (DLMF 8.17.22), 1 / (1 + d₁ / (1 + d₂ / (1 + …))), its first
 * 2·terms levels evaluated from the last one back: two kernels per level besides the coefficient's.
 */
function fraction(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, terms: number): tf.Tensor {
  const total = tf.add(a, b);
  let f = tf.onesLike(x);
  for (let m = terms; m >= 1; m--) {
    // d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), then d₂ₘ = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    const aTwoM = tf.add(a, 2 * m);
    const odd = tf.div(tf.mul(tf.mul(tf.add(a, m), tf.add(total, m)), x), tf.mul(aTwoM, tf.add(a, 2 * m + 1)));
    f = tf.sub(1, tf.div(odd, f));
    const even = tf.div(tf.mul(tf.sub(b, m), tf.mul(x, m)), tf.mul(tf.add(a, 2 * m - 1), aTwoM));
    f = tf.add(1, tf.div(even, f));
  }
  // d₁ = −(a + b) x / (a + 1).
  return tf.reciprocal(tf.sub(1, tf.div(tf.div(tf.mul(total, x), tf.add(a, 1)), f)));
}

/**
 * I_x(a, b) given x and y = 1 − x separately (callers that know 1 − x exactly keep its precision), all
 * of one shape: x^a y^b / (a B(a, b)) times the continued fraction, taken on the side of
 * (a + 1)/(a + b + 2) where it converges, by I_x(a, b) = 1 − I_y(b, a).
 */
export function regularizedBeta(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const terms = termCount(a, b);
    const swap = tf.greater(x, tf.div(tf.add(a, 1), tf.add(tf.add(a, b), 2)));
    const [p, q] = [tf.where(swap, b, a), tf.where(swap, a, b)];
    const [u, v] = [tf.where(swap, y, x), tf.where(swap, x, y)];
    const inside = tf.logicalAnd(tf.greater(u, 0), tf.greater(v, 0));
    const [safeU, safeV] = [tf.where(inside, u, tf.fill(u.shape, 0.25)), tf.where(inside, v, tf.fill(v.shape, 0.75))];
    // log u and log v from whichever of u, v is small: log(1 − 1e-4) in float32 is off by 6e-4 relative.
    const logOf = (t: tf.Tensor, complement: tf.Tensor) => tf.where(tf.less(t, 0.5), tf.log(t), log1p(tf.neg(complement)));
    const logFront = tf.sub(tf.add(tf.mul(p, logOf(safeU, safeV)), tf.mul(q, logOf(safeV, safeU))), tf.add(lbeta(p, q), tf.log(p)));
    const side = tf.mul(tf.exp(logFront), fraction(p, q, safeU, terms));
    const value = tf.where(swap, tf.sub(1, side), side);
    // At the ends: I_0 = 0, I_1 = 1.
    return tf.clipByValue(tf.where(inside, value, tf.where(tf.lessEqual(x, 0), tf.zerosLike(x), tf.onesLike(x))), 0, 1);
  });
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b): the Beta(a, b) cdf at x.
 * Elementwise with broadcasting, for a, b > 0 (0 for x ≤ 0, 1 for x ≥ 1). Lentz's continued fraction
 * on the side of the mode where it converges. Within 3e-5 absolute of scipy's `betainc` for a and b
 * from 0.1 to 1e3 (float32 holds log B(a, b) to about 1e-7 relative, which bounds it for large a, b).
 * Differentiable in x (the gradient is the Beta density); not in a and b, whose gradient is NaN so that
 * a model that needs it stops with a NonFiniteError instead of training on a zero.
 *
 * @example
 * ```ts
 * betainc(tf.tensor([2, 0.5]), tf.tensor([3, 0.5]), tf.tensor([0.4, 0.5])).print(); // [0.5248, 0.5]
 * ```
 */
export function betainc(a: tf.Tensor, b: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const shape = broadcastArguments('betainc', { a, b, x });
  const op = tf.customGrad((...args) => {
    const [first, second, third, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([first, second, third]);
    const value = tf.tidy(() => {
      const [fa, fb, fx] = [first, second, third].map((t) => tf.broadcastTo(t, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return regularizedBeta(fa, fb, fx, tf.sub(1, fx));
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb, sx] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [fa, fb, fx] = [sa, sb, sx].map((t) => tf.broadcastTo(t, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const inside = tf.logicalAnd(tf.greater(fx, 0), tf.less(fx, 1));
        const safe = tf.where(inside, fx, tf.fill(shape, 0.5));
        const logDensity = tf.sub(tf.add(tf.mul(tf.sub(fa, 1), tf.log(safe)), tf.mul(tf.sub(fb, 1), log1p(tf.neg(safe)))), lbeta(fa, fb));
        const dx = tf.mul(dy, tf.where(inside, tf.exp(logDensity), tf.zerosLike(safe)));
        return [tf.fill(sa.shape, NaN), tf.fill(sb.shape, NaN), sumToShape(dx, sx.shape)];
      },
    };
  });
  return op(a, b, x);
}
