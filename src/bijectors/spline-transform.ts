import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log1p-exp';
import type { BijectorResult } from './bijector';
import { unstackResult, type ElementwiseTransform } from './elementwise-transform';
import { multiplyLast } from './permute';
import { hostTransformResult } from './host-transform';
import { DERIVATIVE_OFFSET, MIN_BIN, MIN_DERIVATIVE, ScalarSpline } from './scalar-spline';

type SplineOp = (input: tf.Tensor, params: tf.Tensor) => tf.Tensor;
// What the forward pass saves for the gradient, in order.
const SAVED = ['inside', 'bin', 'widths', 'heights', 'derivativeSlope', 'xi', 's', 'wk', 'hk', 'dk', 'dk1', 'c', 'q', 'den', 'p', 'num'] as const;
type Tensors<T extends readonly unknown[]> = { [I in keyof T]: tf.Tensor };

/**
 * The monotone rational-quadratic spline of Durkan et al. 2019 ("Neural
 * Spline Flows") on [−B, B] with K bins, the identity outside (derivative 1
 * at ±B, so the tails join smoothly). Per coordinate 3K − 1 parameters: K
 * bin widths and K heights (softmax, each at least 1e-3 of the interval) and
 * K − 1 interior knot derivatives (softplus, at least 1e-3). All-zero
 * parameters give the identity. The inverse solves the bin's quadratic in
 * its numerically stable form.
 *
 * Each direction is one recorded operation with its gradient written out
 * (about 60 kernels each way, where tfjs's automatic gradient recorded some
 * 600 per layer: most of a spline flow's training step on wasm), and on cpu
 * and wasm one JavaScript loop each way (`ScalarSpline`: a spline flow's
 * training step 2,304 → 468 kernels, −32 % on wasm). The inverse's gradient
 * follows from the implicit function theorem, not from the quadratic formula.
 */
export class SplineTransform implements ElementwiseTransform {
  readonly paramsPerDim: number;
  // [K, K] upper-triangular ones (sizes · U = cumulative sums) and [K − 1, K] lower-triangular ones (the sums from the right).
  private matrices: { cumulative: tf.Tensor2D; fromRight: tf.Tensor2D } | null = null;
  private readonly forwardOp: SplineOp;
  private readonly inverseOp: SplineOp;

  constructor(
    readonly bins: number,
    readonly tailBound: number,
  ) {
    this.paramsPerDim = 3 * bins - 1;
    this.forwardOp = this.splineOp(false);
    this.inverseOp = this.splineOp(true);
  }

  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult {
    return unstackResult(() => this.forwardOp(x, params));
  }

  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult {
    return unstackResult(() => this.inverseOp(y, params));
  }

  /** Frees the constants it keeps. */
  dispose(): void {
    if (this.matrices !== null) tf.dispose([this.matrices.cumulative, this.matrices.fromRight]);
    this.matrices = null;
  }

  private constants(): { cumulative: tf.Tensor2D; fromRight: tf.Tensor2D } {
    const k = this.bins;
    this.matrices ??= {
      cumulative: tf.keep(tf.tensor2d(Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, c) => (r <= c ? 1 : 0))))),
      fromRight: tf.keep(tf.tensor2d(Array.from({ length: k - 1 }, (_, r) => Array.from({ length: k }, (_, c) => (c <= r ? 1 : 0))))),
    };
    return this.matrices;
  }

  private splineOp(inverse: boolean): SplineOp {
    const k = this.bins;
    const b = this.tailBound;
    const scalar = new ScalarSpline(k, b, inverse);
    return tf.customGrad((...args) => {
      const [input, params, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      const host = hostTransformResult(`LatentSpline${inverse ? 'Inverse' : 'Forward'}(${k},${b})`, scalar, input, params, save);
      if (host !== null) return host;
      const { cumulative, fromRight } = this.constants();
      const [w, h, d] = tf.split(params, [k, k, k - 1], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const batch = params.shape.slice(0, -1);
      const origin = batch.map(() => 0);
      // Along the last axis of a [..., D, n] tensor: `size` entries from `begin`.
      const lastAxis = (t: tf.Tensor, begin: number, size: number) => tf.slice(t, [...origin, begin], [...batch, size]);
      const widths = tf.softmax(w);
      const heights = tf.softmax(h);
      const [xs, xsInterior] = knots(widths, cumulative, k, b, lastAxis);
      const [ys, ysInterior] = knots(heights, cumulative, k, b, lastAxis);
      const ends = tf.ones([...batch, 1]);
      const shifted = tf.add(d, DERIVATIVE_OFFSET);
      const derivativeSlope = tf.sigmoid(shifted);
      const derivatives = tf.concat([ends, tf.add(softplus(shifted), MIN_DERIVATIVE), ends], -1);
      const inside = tf.logicalAnd(tf.greater(input, -b), tf.less(input, b));
      const v = tf.clipByValue(input, -b, b);
      // The bin: how many interior knots lie below v.
      // step(v − knot) rather than greater: with greater, NSF sampling on wasm was 8 % slower.
      const bin = tf.cast(tf.sum(tf.step(tf.sub(tf.expandDims(v, -1), inverse ? ysInterior : xsInterior)), -1), 'int32');
      // Each value's bin ends, as indices into the flattened [..., K + 1] knots and derivatives: a gather of one
      // value per coordinate, where a one-hot product read all K + 1 (NSF sampling on wasm: −12 %).
      const low = tf.add(tf.range(0, v.size * (k + 1), k + 1, 'int32'), tf.reshape(bin, [-1]));
      const high = tf.add(low, tf.scalar(1, 'int32'));
      const [xFlat, yFlat, dFlat] = [xs, ys, derivatives].map((t) => tf.reshape(t, [-1])) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const pick = (t: tf.Tensor, index: tf.Tensor) => tf.reshape(tf.gather(t, index), v.shape);
      const xk = pick(xFlat, low);
      const wk = tf.sub(pick(xFlat, high), xk);
      const yk = pick(yFlat, low);
      const hk = tf.sub(pick(yFlat, high), yk);
      const dk = pick(dFlat, low);
      const dk1 = pick(dFlat, high);
      const s = tf.div(hk, wk);
      const c = tf.sub(tf.add(dk, dk1), tf.mul(s, 2));
      let xi: tf.Tensor;
      if (inverse) {
        const dy = tf.sub(v, yk);
        const qa = tf.add(tf.mul(hk, tf.sub(s, dk)), tf.mul(dy, c));
        const qb = tf.sub(tf.mul(hk, dk), tf.mul(dy, c));
        const qc = tf.neg(tf.mul(s, dy));
        const disc = tf.relu(tf.sub(tf.square(qb), tf.mul(tf.mul(qa, qc), 4)));
        xi = tf.div(tf.mul(qc, 2), tf.sub(tf.neg(qb), tf.sqrt(disc)));
      } else {
        xi = tf.div(tf.sub(v, xk), wk);
      }
      const q = tf.mul(xi, tf.sub(1, xi));
      const den = tf.add(s, tf.mul(c, q));
      const p = tf.add(tf.mul(s, tf.square(xi)), tf.mul(dk, q));
      const out = inverse ? tf.add(tf.mul(xi, wk), xk) : tf.add(yk, tf.div(tf.mul(hk, p), den));
      const num = tf.add(tf.add(tf.mul(dk1, tf.square(xi)), tf.mul(tf.mul(s, 2), q)), tf.mul(dk, tf.square(tf.sub(1, xi))));
      const logSlope = tf.sub(tf.add(tf.mul(tf.log(s), 2), tf.log(num)), tf.mul(tf.log(den), 2));
      save([inside, bin, widths, heights, derivativeSlope, xi, s, wk, hk, dk, dk1, c, q, den, p, num]);
      const value = tf.where(inside, out, input);
      const logDet = tf.where(inside, inverse ? tf.neg(logSlope) : logSlope, tf.zerosLike(input));
      return {
        value: tf.stack([value, logDet], -1),
        gradFunc: (dy, saved) => {
          const [insideMask, binIndex, pw, ph, dSlope, z, sk, width, height, d0, d1, curvature, qk, denominator, pk, numerator] =
            saved as unknown as Tensors<typeof SAVED>;
          const [valueBar, logDetBar] = tf.unstack(dy as tf.Tensor, dy.rank - 1) as [tf.Tensor, tf.Tensor];
          const oneHot = tf.cast(tf.oneHot(binIndex, k), 'float32');
          const zeros = tf.zerosLike(valueBar);
          const a = tf.where(insideMask, valueBar, zeros);
          const l = tf.where(insideMask, logDetBar, zeros);
          // F(z) = y_k + h_k·P/den and L = log F′ in bin coordinates: partial derivatives in z, s, d_k, d_{k+1}.
          const dq = tf.sub(1, tf.mul(z, 2));
          const scale = tf.div(height, tf.square(denominator));
          const partialF = (dp: tf.Tensor | number, dden: tf.Tensor) => tf.mul(scale, tf.sub(tf.mul(dp, denominator), tf.mul(pk, dden)));
          const partialL = (dnum: tf.Tensor, dden: tf.Tensor) => tf.sub(tf.div(dnum, numerator), tf.div(tf.mul(dden, 2), denominator));
          const oneMinusXi = tf.sub(1, z);
          const fXi = partialF(tf.add(tf.mul(tf.mul(sk, 2), z), tf.mul(d0, dq)), tf.mul(curvature, dq));
          const fS = partialF(tf.square(z), tf.sub(1, tf.mul(qk, 2)));
          const fD0 = partialF(qk, qk);
          const fD1 = tf.neg(tf.mul(tf.mul(scale, pk), qk));
          const lXi = partialL(tf.mul(tf.sub(tf.add(tf.mul(d1, z), tf.mul(sk, dq)), tf.mul(d0, oneMinusXi)), 2), tf.mul(curvature, dq));
          const lS = tf.add(tf.div(2, sk), partialL(tf.mul(qk, 2), tf.sub(1, tf.mul(qk, 2))));
          const lD0 = partialL(tf.square(oneMinusXi), qk);
          const lD1 = partialL(tf.square(z), qk);
          // Adjoints of F and L (alpha, beta), of the input (vBar), the bin's low knot and width (before s = h/w).
          let alpha: tf.Tensor;
          let beta: tf.Tensor;
          let vBar: tf.Tensor;
          let xkBar: tf.Tensor;
          let wkBar: tf.Tensor;
          if (inverse) {
            // x = x_k + w_k·z with F(z) = y: ∂z/∂y = 1/F_z and ∂z/∂θ = −F_θ/F_z.
            const xiBar = tf.sub(tf.mul(a, width), tf.mul(l, lXi));
            alpha = tf.neg(tf.div(xiBar, fXi));
            beta = tf.neg(l);
            vBar = tf.neg(alpha);
            xkBar = a;
            wkBar = tf.mul(a, z);
          } else {
            const xiBar = tf.add(tf.mul(a, fXi), tf.mul(l, lXi));
            alpha = a;
            beta = l;
            vBar = tf.div(xiBar, width);
            xkBar = tf.neg(vBar);
            wkBar = tf.neg(tf.mul(vBar, z));
          }
          const sBar = tf.add(tf.mul(alpha, fS), tf.mul(beta, lS));
          const d0Bar = tf.add(tf.mul(alpha, fD0), tf.mul(beta, lD0));
          const d1Bar = tf.add(tf.mul(alpha, fD1), tf.mul(beta, lD1));
          const hkBar = tf.add(tf.mul(alpha, tf.div(pk, denominator)), tf.div(sBar, width));
          wkBar = tf.sub(wkBar, tf.div(tf.mul(sBar, sk), width));
          const inputBar = tf.where(insideMask, vBar, valueBar);
          // Back to the knots (the bin's low knot gets low − width, its high knot the width), the sizes
          // (sums from the right of the cumulative sums' adjoints), and the softmax.
          const sizesBar = (lowBar: tf.Tensor, widthBar: tf.Tensor, probabilities: tf.Tensor) => {
            const below = tf.mul(oneHot, tf.expandDims(tf.sub(lowBar, widthBar), -1));
            const above = tf.mul(oneHot, tf.expandDims(widthBar, -1));
            const cumulativeBar = tf.mul(tf.add(lastAxis(below, 1, k - 1), lastAxis(above, 0, k - 1)), 2 * b);
            const pBar = tf.mul(multiplyLast(cumulativeBar, fromRight), 1 - MIN_BIN * k);
            return tf.mul(probabilities, tf.sub(pBar, tf.sum(tf.mul(probabilities, pBar), -1, true)));
          };
          const interiorBar = tf.add(tf.mul(lastAxis(oneHot, 1, k - 1), tf.expandDims(d0Bar, -1)), tf.mul(lastAxis(oneHot, 0, k - 1), tf.expandDims(d1Bar, -1)));
          const paramsBar = tf.concat([sizesBar(xkBar, wkBar, pw), sizesBar(alpha, hkBar, ph), tf.mul(interiorBar, dSlope)], -1);
          return [inputBar, paramsBar];
        },
      };
    }) as unknown as SplineOp;
  }
}

/** Knot positions `[..., K + 1]` from −B to B, and the K − 1 interior ones, from bin-size probabilities `[..., K]` (each size at least MIN_BIN). */
function knots(probabilities: tf.Tensor, cumulative: tf.Tensor2D, k: number, b: number, lastAxis: (t: tf.Tensor, begin: number, size: number) => tf.Tensor): [tf.Tensor, tf.Tensor] {
  const sizes = tf.add(tf.mul(probabilities, 1 - MIN_BIN * k), MIN_BIN);
  const inner = tf.sub(tf.mul(lastAxis(multiplyLast(sizes, cumulative), 0, k - 1), 2 * b), b);
  const batch = probabilities.shape.slice(0, -1);
  return [tf.concat([tf.fill([...batch, 1], -b), inner, tf.fill([...batch, 1], b)], -1), inner];
}
