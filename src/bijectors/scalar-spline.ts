import type { ScalarTransform } from './host-transform';

/** Each bin at least this share of the interval; each interior derivative at least MIN_DERIVATIVE. */
export const MIN_BIN = 1e-3;
export const MIN_DERIVATIVE = 1e-3;
/** softplus(c) + MIN_DERIVATIVE = 1: zero parameters give unit derivatives, and with equal bins the identity. */
export const DERIVATIVE_OFFSET = Math.log(Math.expm1(1 - MIN_DERIVATIVE));

/**
 * `SplineTransform`'s map for one coordinate at a time, for cpu and
 * wasm (see `hostTransformResult`): float64 inside, the same formulas as the
 * tf-op form, which `test/bijectors/spline-transform.test.ts` holds to the
 * same plain composition. Knots and bin quantities live in fields reused
 * from value to value.
 */
export class ScalarSpline implements ScalarTransform {
  readonly paramsPerDim: number;
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
    this.paramsPerDim = 3 * k - 1;
    this.widths = new Float64Array(k);
    this.heights = new Float64Array(k);
    this.xs = new Float64Array(k + 1);
    this.ys = new Float64Array(k + 1);
  }

  /** The spline at v ∈ (−B, B) with raw parameters params[at … at + 3K − 1). */
  private evaluate(v: number, params: Float32Array, at: number): void {
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
    this.bin = bin;
    this.z = z;
    this.s = s;
    this.wk = wk;
    this.hk = hk;
    this.d0 = d0;
    this.d1 = d1;
    this.c = c;
    this.q = q;
    this.den = den;
    this.p = p;
    this.num = num;
    this.out = inverse ? z * wk + xk : yk + (hk * p) / den;
    this.logSlope = 2 * Math.log(s) + Math.log(num) - 2 * Math.log(den);
  }
  forward(v: number, params: Float32Array, at: number, out: Float32Array, o: number): void {
    if (!(v > -this.bound && v < this.bound)) {
      out[o] = v;
      out[o + 1] = 0;
      return;
    }
    this.evaluate(v, params, at);
    out[o] = this.out;
    out[o + 1] = this.inverse ? -this.logSlope : this.logSlope;
  }

  backward(v: number, params: Float32Array, at: number, a: number, l: number, paramsBar: Float32Array, row: number): number {
    const k = this.k;
    if (!(v > -this.bound && v < this.bound)) {
      paramsBar.fill(0, row, row + this.paramsPerDim);
      return a;
    }
    this.evaluate(v, params, at);
    const { z, s, wk, d0, d1, c, q, den, p, num, bin } = this;
    // F(z) = y_k + h_k·P/den and L = log F′ in bin coordinates: partial derivatives in z, s, d_k, d_{k+1}.
    const dq = 1 - 2 * z;
    const scale = this.hk / (den * den);
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
    if (this.inverse) {
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
    sizesBar(this, this.widths, xkBar, wkBar, paramsBar, row);
    sizesBar(this, this.heights, alpha, hkBar, paramsBar, row + k);
    for (let j = 1; j < k; j++) {
      const dBar = (j === bin ? alpha * fD0 + beta * lD0 : 0) + (j === bin + 1 ? alpha * fD1 + beta * lD1 : 0);
      paramsBar[row + 2 * k + j - 1] = dBar / (1 + Math.exp(-((params[at + 2 * k + j - 1] as number) + DERIVATIVE_OFFSET)));
    }
    return vBar;
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

/** Writes the raw sizes' adjoints to out[at …], from the knots' (the bin's low knot gets lowBar − widthBar, its high knot widthBar). */
function sizesBar(point: ScalarSpline, probabilities: Float64Array, lowBar: number, widthBar: number, out: Float32Array, at: number): void {
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

