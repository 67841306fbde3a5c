import { digamma64 } from './special64';

// Each element stops when its next term changes the sums by less than this (relative), or at the cap. The
// results are float32: against 1e-14, 1e-10 changed at most 2 in 1,000 of them, by one ulp (shapes 0.01–1e3),
// and saves a fifth of the time.
const TOLERANCE = 1e-10;
const MAX_TERMS = 100_000;
const TINY = 1e-300;
const SMALLEST_NORMAL = 2 ** -126;

/**
 * For x < a + 1: ∂P(a, x)/∂a divided by e^L = x^a e^{−x} / Γ(a + 1), from the series P = e^L Σ tₙ,
 * t₀ = 1, tₙ = tₙ₋₁ x / (a + n), differentiated term by term.
 */
function seriesFactor(a: number, x: number, logX: number, digammaA1: number): number {
  let term = 1;
  let dTerm = 0;
  let total = 1;
  let dTotal = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const ratio = x / (a + n);
    dTerm = (dTerm - term / (a + n)) * ratio;
    term *= ratio;
    total += term;
    dTotal += dTerm;
    if (term < TOLERANCE * total && Math.abs(dTerm) <= TOLERANCE * Math.abs(dTotal)) break;
  }
  return total * (logX - digammaA1) + dTotal;
}

/**
 * For x ≥ a + 1: ∂Q(a, x)/∂a divided by x^a e^{−x} / Γ(a), from Lentz's continued fraction for
 * Q = x^a e^{−x} / Γ(a) · h, differentiated forward in a.
 */
function fractionFactor(a: number, x: number, logX: number, digammaA: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let dc = 0;
  let d = 1 / b;
  let dd = d * d; // ∂b/∂a = −1
  let h = d;
  let dh = dd;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = i * (a - i);
    b += 2;
    const nextD = 1 / (b + an * d);
    dd = -nextD * nextD * (i * d - 1 + an * dd);
    d = nextD;
    const nextC = b + an / c;
    dc = -1 + i / c - (an * dc) / (c * c);
    c = nextC;
    const delta = c * d;
    const dDelta = dc * d + c * dd;
    dh = dh * delta + h * dDelta;
    h *= delta;
    if (Math.abs(delta - 1) < TOLERANCE && Math.abs(dDelta * h) <= TOLERANCE * Math.abs(dh)) break;
  }
  return h * (logX - digammaA) + dh;
}

/** dz/da at one draw z > 0 of Gamma(a, 1), in float64, given ψ(a). */
function shapeDerivative(a: number, z: number, digammaA: number): number {
  const logZ = Math.log(z);
  return z < a + 1 ? -(z / a) * seriesFactor(a, z, logZ, digammaA + 1 / a) : z * fractionFactor(a, z, logZ, digammaA);
}

/**
 * dz/da for Gamma(a, 1) draws z, elementwise on the host in float64: the implicit reparameterisation
 * −(∂P/∂a)(a, z) / p(z; a) (Figurnov et al. 2018), P the regularized incomplete gamma function. The
 * expansions' prefactors over the density reduce to z/a (series) and z (fraction), so nothing
 * underflows. Each element sums only the terms it needs — the reason to run it on the host where
 * reads are cheap (cpu, wasm): the tensor version runs the longest element's term count for all.
 * 0 where z ≤ 0.
 */
export function gammaShapeDerivative(a: ArrayLike<number>, z: ArrayLike<number>): Float32Array {
  const out = new Float32Array(z.length);
  // ψ(a), computed again only when a changes (usually one shape broadcast over every draw).
  let lastA = Number.NaN;
  let digammaA = Number.NaN;
  for (let i = 0; i < z.length; i++) {
    const ai = a[i] as number;
    const zi = z[i] as number;
    if (!(zi > 0)) continue;
    if (ai !== lastA) {
      lastA = ai;
      digammaA = digamma64(ai);
    }
    out[i] = shapeDerivative(ai, zi, digammaA);
  }
  return out;
}

// The interpolated dz/da: NODES_PER_OCTAVE evenly spaced nodes between consecutive powers of 2 (log z about 0.02
// apart; relative error at float32's rounding, measured for shapes 1e-3 to 1e5), for a shape with at least
// TABLE_FROM draws.
const OCTAVE_BITS = 5;
const NODES_PER_OCTAVE = 2 ** OCTAVE_BITS;
const TABLE_FROM = 20_000;

/**
 * dz/da of one shape for {@link interpolate}, on the float32 draws in
 * octaves 2^first … 2^(first + octaves): a cubic Hermite piece per segment,
 * from the values and the slopes (times the segment's width) at its ends.
 */
export interface ShapeDerivativeTable {
  first: number;
  values: Float64Array;
  slopesLeft: Float64Array;
  slopesRight: Float64Array;
}

/**
 * dz/da of Gamma(a, 1) draws in [lo, hi] (float32 normal numbers, 0 < lo ≤ hi),
 * exact at NODES_PER_OCTAVE evenly spaced nodes in each octave [2^e, 2^(e+1)),
 * with its slope there, for a cubic Hermite interpolant read off a draw's
 * float32 bits ({@link interpolate}): a few products a draw instead of a log
 * and a series of tens to thousands of terms. The slope follows from
 * differentiating h = −(∂P/∂a)/p in z: h′(z) = ψ(a) − log z − h ((a − 1)/z − 1).
 */
export function shapeDerivativeTable(a: number, lo: number, hi: number): ShapeDerivativeTable {
  const digammaA = digamma64(a);
  const first = Math.floor(Math.log2(lo));
  const segments = (Math.floor(Math.log2(hi)) - first + 1) * NODES_PER_OCTAVE;
  const values = new Float64Array(segments + 1);
  const slopes = new Float64Array(segments + 1);
  for (let k = 0; k <= segments; k++) {
    const z = 2 ** (first + Math.floor(k / NODES_PER_OCTAVE)) * (1 + (k % NODES_PER_OCTAVE) / NODES_PER_OCTAVE);
    const h = shapeDerivative(a, z, digammaA);
    values[k] = h;
    slopes[k] = digammaA - Math.log(z) - h * ((a - 1) / z - 1);
  }
  const [slopesLeft, slopesRight] = [new Float64Array(segments), new Float64Array(segments)];
  for (let k = 0; k < segments; k++) {
    const width = 2 ** (first + Math.floor(k / NODES_PER_OCTAVE)) / NODES_PER_OCTAVE;
    slopesLeft[k] = width * (slopes[k] as number);
    slopesRight[k] = width * (slopes[k + 1] as number);
  }
  return { first, values, slopesLeft, slopesRight };
}

/** dz/da at a float32 draw from its bits (`bits`, as an int32), by a {@link shapeDerivativeTable}; NaN outside it. */
export function interpolate({ first, values, slopesLeft, slopesRight }: ShapeDerivativeTable, bits: number): number {
  const k = (((bits >>> 23) - 127 - first) << OCTAVE_BITS) | ((bits >>> (23 - OCTAVE_BITS)) & (NODES_PER_OCTAVE - 1));
  if (!(k >= 0 && k < slopesLeft.length)) return Number.NaN;
  const t = (bits & ((1 << (23 - OCTAVE_BITS)) - 1)) / (1 << (23 - OCTAVE_BITS));
  const r = 1 - t;
  return r * r * ((1 + 2 * t) * (values[k] as number) + t * (slopesLeft[k] as number)) + t * t * ((3 - 2 * t) * (values[k + 1] as number) - r * (slopesRight[k] as number));
}

/**
 * The gradient in a of Σ dy · z over Gamma(a, 1) draws z: for each of the `a.length` shapes (draw i has
 * shape a[i mod a.length]), Σ dy · dz/da, in float64. A shape with many draws interpolates dz/da
 * ({@link shapeDerivativeTable}) over its draws' range; the others sum it exactly.
 */
export function gammaShapeGradient(a: Float32Array, z: Float32Array, dy: Float32Array): Float32Array {
  const size = a.length;
  const out = new Float32Array(size);
  const bits = new Int32Array(z.buffer, z.byteOffset, z.length);
  for (let b = 0; b < size; b++) {
    const ab = a[b] as number;
    const digammaA = digamma64(ab);
    const range = z.length / size >= TABLE_FROM ? normalRange(z, b, size) : undefined;
    let total = 0;
    if (range !== undefined) {
      const table = shapeDerivativeTable(ab, ...range);
      for (let i = b; i < z.length; i += size) {
        const fast = interpolate(table, bits[i] as number);
        if (!Number.isNaN(fast)) total += (dy[i] as number) * fast;
        else if ((z[i] as number) > 0) total += (dy[i] as number) * shapeDerivative(ab, z[i] as number, digammaA);
      }
    } else {
      for (let i = b; i < z.length; i += size) if ((z[i] as number) > 0) total += (dy[i] as number) * shapeDerivative(ab, z[i] as number, digammaA);
    }
    out[b] = total;
  }
  return out;
}

/** The smallest and largest finite normal float32 among z[b], z[b + step], …; undefined if there is none. */
function normalRange(z: Float32Array, b: number, step: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = 0;
  for (let i = b; i < z.length; i += step) {
    const zi = z[i] as number;
    if (zi >= SMALLEST_NORMAL && zi < lo) lo = zi;
    if (zi > hi && zi < Infinity) hi = zi;
  }
  return hi >= lo ? [lo, hi] : undefined;
}
