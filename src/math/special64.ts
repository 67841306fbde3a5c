// log Γ, ψ and log B in float64 for one argument: what the host kernels of lgamma, digamma and lbeta compute on cpu and
// wasm (one loop instead of a hundred-odd kernels), and what the host's Gamma gradient uses.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
// The recurrences move arguments up to 10, where the asymptotic series below are within 1e-13.
const SHIFT_TO = 10;

/** r = x − round(x): |sin(π x)| = |sin(π r)| and tan(π x) = tan(π r), with r exact. */
function reduce(x: number): number {
  return x - Math.round(x);
}

/** log |Γ(x)|: +Infinity at 0 and the negative integers; below ½ by reflection. */
export function lgamma64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x <= 0 && x === Math.floor(x)) return Infinity;
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * reduce(x)))) - lgamma64(1 - x);
  }
  let product = 1;
  for (; x < SHIFT_TO; x += 1) product *= x;
  const w = 1 / (x * x);
  const series = (1 / x) * (1 / 12 - w * (1 / 360 - w * (1 / 1260 - w * (1 / 1680))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - Math.log(product);
}

/** ψ(x) = d/dx log Γ(x): −Infinity at 0, NaN at the negative integers; below ½ by reflection. */
export function digamma64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return -Infinity;
  if (x < 0 && x === Math.floor(x)) return Number.NaN;
  if (x < 0.5) {
    return digamma64(1 - x) - Math.PI / Math.tan(Math.PI * reduce(x));
  }
  let shift = 0;
  for (; x < SHIFT_TO; x += 1) shift += 1 / x;
  const w = 1 / (x * x);
  return Math.log(x) - 0.5 / x - w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240)))) - shift;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b): in float64 the cancellation costs nothing a float32 result keeps. */
export function lbeta64(a: number, b: number): number {
  return lgamma64(a) + lgamma64(b) - lgamma64(a + b);
}
