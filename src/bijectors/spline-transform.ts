import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log1p-exp';
import type { BijectorResult } from './bijector';
import type { ElementwiseTransform } from './elementwise-transform';
import { multiplyLast } from './permute';

const MIN_BIN = 1e-3;
const MIN_DERIVATIVE = 1e-3;
// softplus(c) + MIN_DERIVATIVE = 1: zero parameters give unit derivatives, and with equal bins the identity.
const DERIVATIVE_OFFSET = Math.log(Math.expm1(1 - MIN_DERIVATIVE));

/**
 * The monotone rational-quadratic spline of Durkan et al. 2019 ("Neural
 * Spline Flows") on [−B, B] with K bins, the identity outside (derivative 1
 * at ±B, so the tails join smoothly). Per coordinate 3K − 1 parameters: K
 * bin widths and K heights (softmax, each at least 1e-3 of the interval) and
 * K − 1 interior knot derivatives (softplus, at least 1e-3). All-zero
 * parameters give the identity. The inverse solves the bin's quadratic in
 * its numerically stable form.
 */
export class SplineTransform implements ElementwiseTransform {
  readonly paramsPerDim: number;
  private cumulative: tf.Tensor2D | null = null;

  constructor(
    readonly bins: number,
    readonly tailBound: number,
  ) {
    this.paramsPerDim = 3 * bins - 1;
  }

  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult {
    return this.apply(x, params, false);
  }

  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult {
    return this.apply(y, params, true);
  }

  /** Frees the constant it keeps. */
  dispose(): void {
    this.cumulative?.dispose();
    this.cumulative = null;
  }

  private apply(input: tf.Tensor, params: tf.Tensor, inverse: boolean): BijectorResult {
    const k = this.bins;
    const b = this.tailBound;
    const [w, h, d] = tf.split(params, [k, k, k - 1], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const xs = this.knots(w);
    const ys = this.knots(h);
    const batch = params.shape.slice(0, -1);
    const origin = batch.map(() => 0);
    // Along the last axis of a [..., D, n] tensor: `size` entries from `begin`.
    const lastAxis = (t: tf.Tensor, begin: number, size: number) => tf.slice(t, [...origin, begin], [...batch, size]);
    const ends = tf.ones([...batch, 1]);
    const derivatives = tf.concat([ends, tf.add(softplus(tf.add(d, DERIVATIVE_OFFSET)), MIN_DERIVATIVE), ends], -1);
    const inside = tf.logicalAnd(tf.greater(input, -b), tf.less(input, b));
    const v = tf.clipByValue(input, -b, b);
    // The bin: how many interior knots lie below v, as a one-hot selector over the K bins.
    // step(v − knot) rather than greaterEqual: wasm compares with broadcasting element by element, 20x slower.
    const bin = tf.cast(tf.sum(tf.step(tf.sub(tf.expandDims(v, -1), lastAxis(inverse ? ys : xs, 1, k - 1))), -1), 'int32');
    const select = tf.oneHot(bin, k);
    const pick = (t: tf.Tensor, offset: number) => tf.sum(tf.mul(lastAxis(t, offset, k), select), -1);
    const xk = pick(xs, 0);
    const wk = tf.sub(pick(xs, 1), xk);
    const yk = pick(ys, 0);
    const hk = tf.sub(pick(ys, 1), yk);
    const dk = pick(derivatives, 0);
    const dk1 = pick(derivatives, 1);
    const slope = tf.div(hk, wk);
    const curvature = tf.sub(tf.add(dk, dk1), tf.mul(slope, 2));
    let xi: tf.Tensor;
    if (inverse) {
      const dy = tf.sub(v, yk);
      const a = tf.add(tf.mul(hk, tf.sub(slope, dk)), tf.mul(dy, curvature));
      const bq = tf.sub(tf.mul(hk, dk), tf.mul(dy, curvature));
      const c = tf.neg(tf.mul(slope, dy));
      const disc = tf.relu(tf.sub(tf.square(bq), tf.mul(tf.mul(a, c), 4)));
      xi = tf.div(tf.mul(c, 2), tf.sub(tf.neg(bq), tf.sqrt(disc)));
    } else {
      xi = tf.div(tf.sub(v, xk), wk);
    }
    const xi1m = tf.mul(xi, tf.sub(1, xi));
    const denominator = tf.add(slope, tf.mul(curvature, xi1m));
    const out = inverse
      ? tf.add(tf.mul(xi, wk), xk)
      : tf.add(yk, tf.div(tf.mul(hk, tf.add(tf.mul(slope, tf.square(xi)), tf.mul(dk, xi1m))), denominator));
    const numerator = tf.add(tf.add(tf.mul(dk1, tf.square(xi)), tf.mul(tf.mul(slope, 2), xi1m)), tf.mul(dk, tf.square(tf.sub(1, xi))));
    const logSlope = tf.sub(tf.add(tf.mul(tf.log(slope), 2), tf.log(numerator)), tf.mul(tf.log(denominator), 2));
    return {
      value: tf.where(inside, out, input),
      logDet: tf.where(inside, inverse ? tf.neg(logSlope) : logSlope, tf.zerosLike(input)),
    };
  }

  /** Knot positions `[..., K + 1]` from −B to B, from unnormalised bin sizes `[..., K]`. */
  private knots(raw: tf.Tensor): tf.Tensor {
    const k = this.bins;
    const b = this.tailBound;
    const sizes = tf.add(tf.mul(tf.softmax(raw), 1 - MIN_BIN * k), MIN_BIN);
    this.cumulative ??= tf.keep(tf.tensor2d(Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, c) => (r <= c ? 1 : 0)))));
    const cumsum = multiplyLast(sizes, this.cumulative);
    const batch = raw.shape.slice(0, -1);
    const inner = tf.sub(tf.mul(tf.slice(cumsum, [...batch.map(() => 0), 0], [...batch, k - 1]), 2 * b), b);
    return tf.concat([tf.fill([...batch, 1], -b), inner, tf.fill([...batch, 1], b)], -1);
  }
}
