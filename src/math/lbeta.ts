import * as tf from '@tensorflow/tfjs-core';
import { runHostElementwise, type ElementwiseLoop } from '../backend/host-kernel';
import { broadcastArguments } from './broadcast-arguments';
import { digamma } from './digamma';
import { lgamma, stirlingCorrection } from './lgamma';
import { log1p } from './log1p';
import { lbeta64 } from './special64';
import { sumToShape } from './sum-to-shape';

const LARGE = 8;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0, without the
 * cancellation of that sum when an argument is large (log Γ(1e6) ≈ 1.3e7 has
 * an absolute float32 error near 1): with x = min(a, b) and y = max(a, b),
 * - y < 8: the three log-gammas;
 * - x < 8 ≤ y: log Γ(x) + [log Γ(y) − log Γ(x + y)], the bracket from Stirling's series as
 *   −(y − ½) log1p(x/y) − x log(x + y) + x + corr(y) − corr(x + y);
 * - x ≥ 8: ½ log 2π − ½ log(x + y) − (x − ½) log1p(y/x) − (y − ½) log1p(x/y) + corr(x) + corr(y) − corr(x + y).
 * Within 2e-6 relative (or 1e-6 absolute) of scipy's `betaln` from 1e-8 to 1e6, on every
 * backend (on cpu and wasm computed in float64 by one loop on the host, as
 * the three log-gammas, and rounded). Broadcasts a against b.
 * Differentiable: ∂/∂a = ψ(a) − ψ(a + b).
 *
 * @example
 * ```ts
 * lbeta(tf.tensor([1, 0.5, 1e6]), tf.tensor([1, 0.5, 1e6])).print(); // [0, 1.1447, -1386300]
 * ```
 */
export function lbeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = broadcastArguments('lbeta', { a, b });
  const op = tf.customGrad((...args) => {
    const [first, second, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([first, second]);
    const value = runHostElementwise('LatentLbeta', lbetaLoop, [tf.broadcastTo(first, shape), tf.broadcastTo(second, shape)]) ?? tf.tidy(() => {
      const x = tf.minimum(first, second);
      const y = tf.maximum(first, second);
      const bothSmall = tf.less(y, LARGE);
      const oneSmall = tf.logicalAnd(tf.less(x, LARGE), tf.logicalNot(bothSmall));
      // Each branch gets inputs that are valid for it, so the others never see NaN.
      const one = tf.fill(shape, 1);
      const large = tf.fill(shape, LARGE);
      const [xs, ys] = [tf.where(bothSmall, x, one), tf.where(bothSmall, y, one)];
      const small = tf.sub(tf.add(lgamma(xs), lgamma(ys)), lgamma(tf.add(xs, ys)));
      const [xm, ym] = [tf.where(oneSmall, x, one), tf.where(oneSmall, y, large)];
      const ymSum = tf.add(xm, ym);
      const difference = tf.add(
        tf.sub(tf.add(tf.neg(tf.mul(tf.sub(ym, 0.5), log1p(tf.div(xm, ym)))), xm), tf.mul(xm, tf.log(ymSum))),
        tf.sub(stirlingCorrection(ym), stirlingCorrection(ymSum)),
      );
      const mixed = tf.add(lgamma(xm), difference);
      const [xl, yl] = [tf.where(tf.greaterEqual(x, LARGE), x, large), tf.where(tf.greaterEqual(x, LARGE), y, large)];
      const lSum = tf.add(xl, yl);
      const both = tf.add(
        tf.sub(tf.sub(tf.sub(HALF_LOG_TWO_PI, tf.mul(0.5, tf.log(lSum))), tf.mul(tf.sub(xl, 0.5), log1p(tf.div(yl, xl)))), tf.mul(tf.sub(yl, 0.5), log1p(tf.div(xl, yl)))),
        tf.sub(tf.add(stirlingCorrection(xl), stirlingCorrection(yl)), stirlingCorrection(lSum)),
      );
      return tf.where(bothSmall, small, tf.where(oneSmall, mixed, both));
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
        const total = digamma(tf.add(sa, sb));
        return [sumToShape(tf.mul(dy, tf.sub(digamma(sa), total)), sa.shape), sumToShape(tf.mul(dy, tf.sub(digamma(sb), total)), sb.shape)];
      },
    };
  });
  return op(a, b);
}

const lbetaLoop: ElementwiseLoop = ([a, b], [aAt, bAt], out, to, size) => {
  for (let i = 0; i < size; i++) out[to + i] = lbeta64((a as Float32Array)[(aAt as number) + i] as number, (b as Float32Array)[(bAt as number) + i] as number);
};
