import * as tf from '@tensorflow/tfjs-core';
import { runHostElementwise } from '../backend/host-kernel';
import { elementwiseInChunks } from '../math/elementwise-in-chunks';
import { stirlingCorrection } from '../math/lgamma';
import { softplus } from '../math/log1p-exp';
import { sumToShape } from '../math/sum-to-shape';

const LOG_TWO_PI = Math.log(2 * Math.PI);

// stirlerr(k) for k = 0 … 15, in float64 from log k! = Σ log j (no cancellation worth a float32 ulp).
const TABLE_SIZE = 16;
const STIRLING_TABLE = Array.from({ length: TABLE_SIZE }, (_, k) => {
  if (k === 0) return 0;
  let logFactorial = 0;
  for (let j = 2; j <= k; j++) logFactorial += Math.log(j);
  return logFactorial - (k + 0.5) * Math.log(k) + k - 0.5 * LOG_TWO_PI;
});

/**
 * Loader's stirlerr(k) = log k! − [(k + ½) log k − k + ½ log 2π] for the
 * counts k ≥ 1: a table below 16, the Stirling series from there on.
 */
function stirlingError(k: tf.Tensor): tf.Tensor {
  const small = tf.less(k, TABLE_SIZE);
  const fromTable = tf.gather(tf.tensor1d(STIRLING_TABLE), tf.cast(tf.clipByValue(k, 0, TABLE_SIZE - 1), 'int32'));
  return tf.where(small, fromTable, stirlingCorrection(tf.maximum(k, TABLE_SIZE)));
}

/**
 * Loader's deviance bd0(k, μ) = k log(k / μ) + μ − k ≥ 0 (k ≥ 1, μ ≥ 0). Near
 * k = μ it is μ φ(d) with d = k/μ − 1 and φ(d) = Σ_{j≥2} (−d)^j / (j (j − 1)),
 * free of the cancellation that costs float32 all its digits at μ = 1e6.
 */
function deviance(k: tf.Tensor, mu: tf.Tensor): tf.Tensor {
  const d = tf.div(tf.sub(k, mu), mu);
  const near = tf.less(tf.abs(d), 0.1);
  const x = tf.neg(tf.where(near, d, tf.zerosLike(d)));
  let series = tf.zerosLike(x);
  for (let j = 8; j >= 2; j--) series = tf.add(1 / (j * (j - 1)), tf.mul(x, series));
  const far = tf.add(tf.mul(k, tf.log(tf.div(k, mu))), tf.sub(mu, k)); // one log: log k − log μ costs 1e-4 at k = 1.2μ, μ = 1000
  return tf.where(near, tf.mul(mu, tf.mul(tf.square(x), series)), far);
}

/** Whether k is a count: a non-negative integer. */
function isCount(k: tf.Tensor): tf.Tensor {
  return tf.logicalAnd(tf.greaterEqual(k, 0), tf.equal(k, tf.floor(k)));
}

/** {@link poissonLogMass} without its gradient: what the samplers evaluate. */
export function poissonLogMassValue(k: tf.Tensor, rate: tf.Tensor): tf.Tensor {
  const kPos = tf.maximum(k, 1);
  const positive = tf.neg(tf.add(tf.add(stirlingError(kPos), deviance(kPos, rate)), tf.mul(0.5, tf.log(tf.mul(kPos, 2 * Math.PI)))));
  return tf.where(isCount(k), tf.where(tf.equal(k, 0), tf.neg(rate), positive), tf.fill(k.shape, -Infinity));
}

/**
 * log P(K = k) of Poisson(λ), k and λ of one shape: −λ at k = 0, else
 * −stirlerr(k) − bd0(k, λ) − ½ log(2πk) (Loader 2000), accurate to float32
 * rounding of the result for λ up to 1e7; −Infinity off the non-negative
 * integers. Gradient in λ: k/λ − 1, exactly; none in k.
 */
export const poissonLogMass = tf.customGrad((...args) => {
  const [k, rate, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  // On cpu and wasm one loop (JavaScript's logs are most of it) instead of a hundred-odd kernels: 1.6–2x faster.
  const value = runHostElementwise('LatentPoissonLogMass', poissonLogMassKernel, [k, rate]) ?? elementwiseInChunks(poissonLogMassValue, k, rate);
  save([k, rate]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ks, r] = saved as [tf.Tensor, tf.Tensor];
      const slope = tf.where(isCount(ks), tf.sub(tf.div(ks, r), 1), tf.zerosLike(r));
      return [tf.zerosLike(ks), tf.mul(dy, slope)];
    },
  };
}) as (k: tf.Tensor, rate: tf.Tensor) => tf.Tensor;

/** {@link binomialLogMass} without its gradient: what the samplers evaluate. */
export function binomialLogMassValue(k: tf.Tensor, n: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const inSupport = tf.logicalAnd(isCount(k), tf.lessEqual(k, n));
  const p = tf.sigmoid(logits);
  const q = tf.sigmoid(tf.neg(logits));
  const inner = tf.logicalAnd(tf.greater(k, 0), tf.less(k, n));
  const ki = tf.where(inner, k, tf.onesLike(k));
  const ni = tf.where(inner, n, tf.fill(n.shape, 2));
  const rest = tf.sub(ni, ki);
  const stirling = tf.sub(tf.sub(stirlingError(ni), stirlingError(ki)), stirlingError(rest));
  const deviances = tf.add(deviance(ki, tf.mul(ni, p)), deviance(rest, tf.mul(ni, q)));
  const logRoot = tf.mul(0.5, tf.sub(tf.log(ni), tf.log(tf.mul(tf.mul(ki, rest), 2 * Math.PI))));
  const middle = tf.add(tf.sub(stirling, deviances), logRoot);
  // n log q at k = 0 and n log p at k = n; +0 for a certain outcome, and when n = 0 (never 0 · ∞).
  const noTrials = tf.equal(n, 0);
  const atZero = tf.where(noTrials, tf.zerosLike(n), tf.sub(0, tf.mul(n, softplus(logits))));
  const atN = tf.where(noTrials, tf.zerosLike(n), tf.sub(0, tf.mul(n, softplus(tf.neg(logits)))));
  const ends = tf.where(tf.equal(k, 0), atZero, atN);
  return tf.where(inSupport, tf.where(inner, middle, ends), tf.fill(k.shape, -Infinity));
}

const f32 = Math.fround;
const STIRLING_TABLE_F32 = Float32Array.from(STIRLING_TABLE);
const [C12, C360, C1260, C1680, TENTH, TWO_PI] = [1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 0.1, 2 * Math.PI].map(f32) as [number, number, number, number, number, number];
const SERIES = Array.from({ length: 7 }, (_, i) => f32(1 / ((8 - i) * (7 - i)))); // 1/(j(j−1)), j = 8 … 2

/** {@link stirlingError} for one count, operation for operation in float32. */
function stirlingErrorF32(k: number): number {
  if (k < TABLE_SIZE) return STIRLING_TABLE_F32[Math.trunc(k)] as number;
  const r = f32(1 / k);
  const w = f32(r * r);
  return f32(r * f32(C12 - f32(w * f32(C360 - f32(w * f32(C1260 - f32(w * C1680)))))));
}

/** {@link deviance} for one count, operation for operation in float32 (Math.log rounded to float32 for the kernel's log). */
function devianceF32(k: number, mu: number): number {
  const d = f32(f32(k - mu) / mu);
  if (!(Math.abs(d) < TENTH)) return f32(f32(k * f32(Math.log(f32(k / mu)))) + f32(mu - k));
  const x = -d;
  const [s8, s7, s6, s5, s4, s3, s2] = SERIES as [number, number, number, number, number, number, number];
  const series = f32(s2 + f32(x * f32(s3 + f32(x * f32(s4 + f32(x * f32(s5 + f32(x * f32(s6 + f32(x * f32(s7 + f32(x * f32(s8 + f32(x * 0)))))))))))))); // the kernels' Horner loop, from 0
  return f32(mu * f32(f32(x * x) * series));
}

/**
 * {@link binomialLogMassValue} at a count 0 < k < n, given p and q as the
 * kernels compute them, operation for operation in float32: equal to the
 * kernels' value where the backend's log is float32's correctly rounded one
 * (cpu), within an ulp or so of it elsewhere. What the host's Binomial sampler evaluates.
 */
export function binomialInnerLogMassF32(k: number, n: number, p: number, q: number): number {
  const rest = f32(n - k);
  const stirling = f32(f32(stirlingErrorF32(n) - stirlingErrorF32(k)) - stirlingErrorF32(rest));
  const deviances = f32(devianceF32(k, f32(n * p)) + devianceF32(rest, f32(n * q)));
  const logRoot = f32(0.5 * f32(f32(Math.log(n)) - f32(Math.log(f32(f32(k * rest) * TWO_PI)))));
  return f32(f32(stirling - deviances) + logRoot);
}

/**
 * log P(K = k) of Binomial(n, sigmoid(logits)), all three of one shape:
 * n log q or n log p at the ends, else Loader's saddle-point form
 * stirlerr(n) − stirlerr(k) − stirlerr(n − k) − bd0(k, np) − bd0(n − k, nq)
 * + ½ log(n / (2π k (n − k))), accurate for n up to 1e7 where
 * log C(n, k) alone would lose every digit; −Infinity outside {0, …, n}.
 * Gradient in the logits: k − n p, exactly; none in k or n.
 */
export const binomialLogMass = tf.customGrad((...args) => {
  const [k, n, logits, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const value = runHostElementwise('LatentBinomialLogMass', binomialLogMassKernel, [k, n, logits]) ?? elementwiseInChunks(binomialLogMassValue, k, n, logits);
  save([k, n, logits]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [ks, ns, ls] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const support = tf.logicalAnd(isCount(ks), tf.lessEqual(ks, ns));
      const slope = tf.where(support, tf.sub(ks, tf.mul(ns, tf.sigmoid(ls))), tf.zerosLike(ls));
      return [tf.zerosLike(ks), tf.zerosLike(ns), sumToShape(tf.mul(dy, slope), logits.shape)];
    },
  };
}) as (k: tf.Tensor, n: tf.Tensor, logits: tf.Tensor) => tf.Tensor;

/** {@link poissonLogMassValue} for one count and rate, operation for operation in float32. */
function poissonLogMassF32(k: number, rate: number): number {
  if (!(k >= 0 && k === Math.floor(k))) return -Infinity;
  if (k === 0) return -rate;
  return f32(-f32(f32(stirlingErrorF32(k) + devianceF32(k, rate)) + f32(0.5 * f32(Math.log(f32(k * TWO_PI))))));
}

function poissonLogMassKernel([k, rate]: Float32Array[], [kAt, rateAt]: number[], out: Float32Array, to: number, size: number): void {
  for (let i = 0; i < size; i++) out[to + i] = poissonLogMassF32((k as Float32Array)[(kAt as number) + i] as number, (rate as Float32Array)[(rateAt as number) + i] as number);
}

/** log(1 + eˣ) in float64. */
function softplus64(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * {@link binomialLogMassValue} for one count, given `logits` and p and q (float32 of their float64 values):
 * Loader's form as {@link binomialInnerLogMassF32}.
 */
function binomialLogMassF32(k: number, n: number, logits: number, p: number, q: number): number {
  if (!(k >= 0 && k === Math.floor(k) && k <= n)) return -Infinity;
  if (n === 0) return 0;
  if (k === 0) return f32(0 - n * softplus64(logits)); // +0 for a certain outcome, as the kernels
  if (k === n) return f32(0 - n * softplus64(-logits));
  return binomialInnerLogMassF32(k, n, p, q);
}

function binomialLogMassKernel([k, n, logits]: Float32Array[], [kAt, nAt, logitsAt]: number[], out: Float32Array, to: number, size: number): void {
  let [last, p, q] = [Number.NaN, Number.NaN, Number.NaN];
  for (let i = 0; i < size; i++) {
    const l = (logits as Float32Array)[(logitsAt as number) + i] as number;
    if (l !== last) [last, p, q] = [l, f32(1 / (1 + Math.exp(-l))), f32(1 / (1 + Math.exp(l)))];
    out[to + i] = binomialLogMassF32((k as Float32Array)[(kAt as number) + i] as number, (n as Float32Array)[(nAt as number) + i] as number, l, p, q);
  }
}
