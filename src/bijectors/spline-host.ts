import * as tf from '@tensorflow/tfjs-core';
import { runHostKernel, type HostKernel } from '../backend/host-kernel';

/** Each bin at least this share of the interval; each interior derivative at least MIN_DERIVATIVE. */
export const MIN_BIN = 1e-3;
export const MIN_DERIVATIVE = 1e-3;
/** softplus(c) + MIN_DERIVATIVE = 1: zero parameters give unit derivatives, and with equal bins the identity. */
export const DERIVATIVE_OFFSET = Math.log(Math.expm1(1 - MIN_DERIVATIVE));

/**
 * {@link SplineTransform}'s operation on cpu and wasm: one JavaScript loop
 * over the coordinates each way (float64 inside), where the tf-op form
 * records some 60 kernels forward and 80 backward per layer — most of a
 * spline flow's training step on wasm, for a few hundred values. The same
 * formulas as the tf-op form; `test/bijectors/spline-transform.test.ts`
 * holds both to the plain composition. Returns value and log-det stacked on
 * a last axis, or null on other backends and when `params` does not have
 * the values' shape (plus the parameter axis).
 */
export function hostSpline(inverse: boolean, bound: number, input: tf.Tensor, params: tf.Tensor): tf.Tensor | null {
  if (!tf.util.arraysEqual(params.shape.slice(0, -1), input.shape)) return null;
  const [out] = runHostKernel(`LatentSpline${inverse ? 'Inverse' : 'Forward'}(${bound})`, forwardKernel(inverse, bound), [input, params]) ?? [];
  return out ?? null;
}

/** The gradient of {@link hostSpline}: [input, params] adjoints for the stacked adjoint `dy`. */
export function hostSplineGradient(inverse: boolean, bound: number, input: tf.Tensor, params: tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  const grads = runHostKernel(`LatentSpline${inverse ? 'Inverse' : 'Forward'}Grad(${bound})`, gradientKernel(inverse, bound), [input, params, dy]);
  if (grads === null) throw new Error(`SplineTransform: the backend changed to ${tf.getBackend()} between a pass on cpu/wasm and its gradient`);
  return grads;
}

/** One coordinate of the spline: its knots and the bin quantities, reused from value to value. */
class SplinePoint {
  readonly widths: Float64Array;
  readonly heights: Float64Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  bin = 0;
  z = 0;
  s = 0;
  wk = 0;
  hk = 0;
  d0 = 0;
  d1 = 0;
  c = 0;
  q = 0;
  den = 0;
  p = 0;
  num = 0;
  out = 0;
  logSlope = 0;

  constructor(
    readonly k: number,
    readonly bound: number,
    readonly inverse: boolean,
  ) {
    this.widths = new Float64Array(k);
    this.heights = new Float64Array(k);
    this.xs = new Float64Array(k + 1);
    this.ys = new Float64Array(k + 1);
  }

  /** The spline at v ∈ [−B, B] with raw parameters params[at … at + 3K − 1). */
  evaluate(v: number, params: Float32Array, at: number): void {
    const { k, xs, ys, inverse } = this;
    knots(params, at, k, this.bound, this.widths, xs);
    knots(params, at + k, k, this.bound, this.heights, ys);
    const search = inverse ? ys : xs;
    let bin = 0;
    while (bin < k - 1 && v - (search[bin + 1] as number) > 0) bin++;
    const xk = xs[bin] as number;
    const yk = ys[bin] as number;
    const wk = (xs[bin + 1] as number) - xk;
    const hk = (ys[bin + 1] as number) - yk;
    const d0 = derivative(params, at + 2 * k, k, bin);
    const d1 = derivative(params, at + 2 * k, k, bin + 1);
    const s = hk / wk;
    const c = d0 + d1 - 2 * s;
    let z: number;
    if (inverse) {
      const dy = v - yk;
      const qa = hk * (s - d0) + dy * c;
      const qb = hk * d0 - dy * c;
      const qc = -s * dy;
      z = (2 * qc) / (-qb - Math.sqrt(Math.max(qb * qb - 4 * qa * qc, 0)));
    } else {
      z = (v - xk) / wk;
    }
    const q = z * (1 - z);
    const den = s + c * q;
    const p = s * z * z + d0 * q;
    const num = d1 * z * z + 2 * s * q + d0 * (1 - z) * (1 - z);
    Object.assign(this, { bin, z, s, wk, hk, d0, d1, c, q, den, p, num });
    this.out = inverse ? z * wk + xk : yk + (hk * p) / den;
    this.logSlope = 2 * Math.log(s) + Math.log(num) - 2 * Math.log(den);
  }
}

/** Knot positions −B … B from raw bin sizes params[at … at + K) (softmax, each at least MIN_BIN); the probabilities go to `probabilities`. */
function knots(params: Float32Array, at: number, k: number, b: number, probabilities: Float64Array, positions: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, params[at + j] as number);
  let total = 0;
  for (let j = 0; j < k; j++) total += probabilities[j] = Math.exp((params[at + j] as number) - max);
  let cumulative = 0;
  positions[0] = -b;
  for (let j = 0; j < k; j++) {
    probabilities[j] = (probabilities[j] as number) / total;
    cumulative += (probabilities[j] as number) * (1 - MIN_BIN * k) + MIN_BIN;
    positions[j + 1] = cumulative * 2 * b - b;
  }
  positions[k] = b;
}

/** The derivative at knot j: 1 at the ends, softplus(raw + offset) + MIN_DERIVATIVE inside. */
function derivative(params: Float32Array, at: number, k: number, j: number): number {
  if (j === 0 || j === k) return 1;
  const x = (params[at + j - 1] as number) + DERIVATIVE_OFFSET;
  return (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) + MIN_DERIVATIVE;
}

/** Adds the adjoints of the knots (the bin's low knot gets lowBar − widthBar, its high knot widthBar) to the raw sizes' adjoints at params[at …). */
function sizesBar(point: SplinePoint, probabilities: Float64Array, lowBar: number, widthBar: number, out: Float32Array, at: number): void {
  const { k, bin, bound } = point;
  // Knot m (interior: 1 … K − 1) is the sum of the first m sizes: size j's adjoint is the sum of the knot adjoints from m = j + 1 on.
  const knotBar = (m: number) => (m === bin ? lowBar - widthBar : 0) + (m === bin + 1 ? widthBar : 0);
  let fromRight = 0;
  let weighted = 0;
  for (let j = k - 1; j >= 0; j--) {
    out[at + j] = fromRight * 2 * bound * (1 - MIN_BIN * k);
    weighted += (probabilities[j] as number) * (out[at + j] as number);
    if (j >= 1) fromRight += knotBar(j);
  }
  for (let j = 0; j < k; j++) out[at + j] = (probabilities[j] as number) * ((out[at + j] as number) - weighted);
}

function forwardKernel(inverse: boolean, bound: number): HostKernel {
  return ([input, params], io) => {
    const x = input as tf.TensorInfo;
    const size = tf.util.sizeFromShape(x.shape);
    const stride = (params as tf.TensorInfo).shape[(params as tf.TensorInfo).shape.length - 1] as number;
    const out = io.output([...x.shape, 2]);
    const [target, to] = io.view(out);
    const [values, from] = io.view(x);
    const [raw, base] = io.view(params as tf.TensorInfo);
    const point = new SplinePoint((stride + 1) / 3, bound, inverse);
    for (let e = 0; e < size; e++) {
      const v = values[from + e] as number;
      if (v > -bound && v < bound) {
        point.evaluate(v, raw, base + e * stride);
        target[to + 2 * e] = point.out;
        target[to + 2 * e + 1] = inverse ? -point.logSlope : point.logSlope;
      } else {
        target[to + 2 * e] = v;
        target[to + 2 * e + 1] = 0;
      }
    }
    return [out];
  };
}

function gradientKernel(inverse: boolean, bound: number): HostKernel {
  return ([input, params, dy], io) => {
    const x = input as tf.TensorInfo;
    const size = tf.util.sizeFromShape(x.shape);
    const stride = (params as tf.TensorInfo).shape[(params as tf.TensorInfo).shape.length - 1] as number;
    const k = (stride + 1) / 3;
    const inputBar = io.output([...x.shape]);
    const paramsBar = io.output([...(params as tf.TensorInfo).shape]);
    const [xBar, xAt] = io.view(inputBar);
    const [pBar, pAt] = io.view(paramsBar);
    const [values, from] = io.view(x);
    const [raw, base] = io.view(params as tf.TensorInfo);
    const [bars, barsAt] = io.view(dy as tf.TensorInfo);
    const point = new SplinePoint(k, bound, inverse);
    for (let e = 0; e < size; e++) {
      const v = values[from + e] as number;
      const a = bars[barsAt + 2 * e] as number;
      const l = bars[barsAt + 2 * e + 1] as number;
      const row = pAt + e * stride;
      if (!(v > -bound && v < bound)) {
        xBar[xAt + e] = a;
        pBar.fill(0, row, row + stride);
        continue;
      }
      point.evaluate(v, raw, base + e * stride);
      const { z, s, wk, d0, d1, c, q, den, p, num, bin } = point;
      // F(z) = y_k + h_k·P/den and L = log F′ in bin coordinates: partial derivatives in z, s, d_k, d_{k+1}.
      const dq = 1 - 2 * z;
      const scale = point.hk / (den * den);
      const partialF = (dp: number, dden: number) => scale * (dp * den - p * dden);
      const partialL = (dnum: number, dden: number) => dnum / num - (2 * dden) / den;
      const fXi = partialF(2 * s * z + d0 * dq, c * dq);
      const fS = partialF(z * z, 1 - 2 * q);
      const fD0 = partialF(q, q);
      const fD1 = -scale * p * q;
      const lXi = partialL(2 * (d1 * z + s * dq - d0 * (1 - z)), c * dq);
      const lS = 2 / s + partialL(2 * q, 1 - 2 * q);
      const lD0 = partialL((1 - z) * (1 - z), q);
      const lD1 = partialL(z * z, q);
      // Adjoints of F and L (alpha, beta), of the input, the bin's low knot and width (before s = h/w).
      let alpha: number, beta: number, vBar: number, xkBar: number, wkBar: number;
      if (inverse) {
        // x = x_k + w_k·z with F(z) = y: ∂z/∂y = 1/F_z and ∂z/∂θ = −F_θ/F_z.
        alpha = -(a * wk - l * lXi) / fXi;
        beta = -l;
        vBar = -alpha;
        xkBar = a;
        wkBar = a * z;
      } else {
        alpha = a;
        beta = l;
        vBar = (a * fXi + l * lXi) / wk;
        xkBar = -vBar;
        wkBar = -vBar * z;
      }
      const sBar = alpha * fS + beta * lS;
      const hkBar = (alpha * p) / den + sBar / wk;
      wkBar -= (sBar * s) / wk;
      xBar[xAt + e] = vBar;
      sizesBar(point, point.widths, xkBar, wkBar, pBar, row);
      sizesBar(point, point.heights, alpha, hkBar, pBar, row + k);
      for (let j = 1; j < k; j++) {
        const dBar = (j === bin ? alpha * fD0 + beta * lD0 : 0) + (j === bin + 1 ? alpha * fD1 + beta * lD1 : 0);
        const shifted = (raw[base + e * stride + 2 * k + j - 1] as number) + DERIVATIVE_OFFSET;
        pBar[row + 2 * k + j - 1] = dBar / (1 + Math.exp(-shifted));
      }
    }
    return [inputBar, paramsBar];
  };
}
