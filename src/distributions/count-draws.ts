import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { toFloat } from '../math/to-float';
import { randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { binomialInnerLogMassF32, binomialLogMassValue, poissonLogMassValue } from './count-log-mass';
import { inChunks } from './in-chunks';
import { rejectInRounds, type RejectionRounds } from './reject-in-rounds';
import { sizeOf } from './shapes';

// Below a mean of 10 draws invert the cdf over 0 … 47 (P(K ≥ 48) < 1e-14 there). Above it
// Hörmann's transformed rejection accepts at least 70% of proposals (measured from means 10 to
// 1e6; 75–89% for PTRS, 71–89% for BTRS): after 18 rounds a draw is still pending with
// probability below 4e-10 and takes the mode.
const INVERSION_BELOW = 10;
const INVERSION_TERMS = 48;
const ROUNDS = 18;
// A round's log-mass holds about a hundred tensors of the chunk's size: chunks of 2^16 draws keep that near 25 MB.
const WORKING_SET = 8;

/**
 * Inversion: the number of j in 0 … 46 with F(j) < u · F(47), for F the cdf of `logMass`
 * ([terms, ...shape]): by binary search on the host, level by level on a GPU (same counts).
 */
function invert(logMass: (k: tf.Tensor) => tf.Tensor, shape: number[], n: number, seed: Seed, onHost: boolean): tf.Tensor {
  const terms = tf.add(tf.reshape(tf.range(0, INVERSION_TERMS), [INVERSION_TERMS, ...shape.map(() => 1)]), tf.zeros([INVERSION_TERMS, ...shape]));
  const cdf = tf.cumsum(tf.exp(tf.tidy(() => logMass(terms))), 0);
  const [levels, total] = tf.split(cdf, [INVERSION_TERMS - 1, 1], 0) as [tf.Tensor, tf.Tensor];
  const u = tf.mul(randomUniform([n, ...shape], { seed }), total);
  if (onHost) return tf.tensor(countBelow(levels.dataSync() as Float32Array, u.dataSync() as Float32Array, sizeOf(shape)), u.shape);
  let count = tf.zerosLike(u);
  for (const level of tf.unstack(levels)) {
    const next = tf.tidy(() => tf.add(count, toFloat(tf.less(level, u))));
    count.dispose();
    count = next;
  }
  return count;
}

/** For each u (rows of `size` columns), how many of the non-decreasing levels (`[levels, size]`) lie below it. */
function countBelow(levels: Float32Array, u: Float32Array, size: number): Float32Array {
  const counts = new Float32Array(u.length);
  const depth = levels.length / size;
  for (let i = 0; i < u.length; i++) {
    const column = i % size;
    let [lo, hi] = [0, depth]; // the first level ≥ u lies in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((levels[mid * size + column] as number) < (u[i] as number)) lo = mid + 1;
      else hi = mid;
    }
    counts[i] = lo;
  }
  return counts;
}

/**
 * Hörmann's transformed rejection in rounds ({@link rejectInRounds}): `propose`
 * maps per-draw parameters and uniforms u (centred on 0) and v to proposals and
 * whether each is accepted; a draw never accepted takes `fallback`.
 */
function reject(
  parameters: tf.Tensor[],
  propose: (parameters: tf.Tensor[], u: tf.Tensor, v: tf.Tensor) => [tf.Tensor, tf.Tensor],
  fallback: tf.Tensor,
  n: number,
  seed: Seed,
  onHost: boolean,
  proposeRound?: RejectionRounds['proposeRound'],
): tf.Tensor {
  const [uSeed, vSeed] = splitSeed(seed, 2) as [Seed, Seed];
  const [uSeeds, vSeeds] = [splitSeed(uSeed, ROUNDS), splitSeed(vSeed, ROUNDS)];
  const shape = [n, ...fallback.shape];
  return rejectInRounds(
    {
      shape,
      parameters: () => parameters.map((t) => tf.broadcastTo(t, shape)),
      rounds: ROUNDS,
      randoms: (r, count) => [tf.sub(randomUniform([count], { seed: uSeeds[r] }), 0.5), randomUniform([count], { seed: vSeeds[r] })],
      propose: (own, [u, v]) => {
        const [value, accept] = propose(own, u as tf.Tensor, v as tf.Tensor);
        return { value, accept };
      },
      fallback: tf.broadcastTo(fallback, shape),
      proposeRound,
    },
    onHost,
  );
}

/**
 * Which of the two methods some draw needs, where the backend can tell (else
 * both): a path no draw takes is skipped, which changes no draw (each has its
 * own seed).
 */
function methodsNeeded(small: tf.Tensor, onHost: boolean): { inversion: boolean; rejection: boolean } {
  if (!onHost) return { inversion: true, rejection: true };
  const flags = small.dataSync();
  return { inversion: flags.some((f) => f !== 0), rejection: flags.some((f) => f === 0) };
}

/** Poisson(λ) draws `[n, ...λ.shape]`: inversion below a rate of 10, Hörmann's PTRS above. */
export function poissonDraws(rate: tf.Tensor, n: number, seed: Seed, onHost = onHostBackend()): tf.Tensor {
  const shape = [...rate.shape];
  return inChunks(n, WORKING_SET * sizeOf(shape), seed, (m, chunkSeed) => {
    const [inversionSeed, rejectionSeed] = splitSeed(chunkSeed, 2) as [Seed, Seed];
    const small = tf.less(rate, INVERSION_BELOW);
    const needs = methodsNeeded(small, onHost);
    const lowRate = tf.where(small, rate, tf.onesLike(rate));
    const inverted = needs.inversion ? invert((k) => poissonLogMassValue(k, tf.broadcastTo(lowRate, k.shape)), shape, m, inversionSeed, onHost) : tf.zeros([m, ...shape]);
    const r = tf.where(small, tf.fill(shape, INVERSION_BELOW), rate);
    const b = tf.add(0.931, tf.mul(2.53, tf.sqrt(r)));
    const a = tf.add(-0.059, tf.mul(0.02483, b));
    const logInvAlpha = tf.log(tf.add(1.1239, tf.div(1.1328, tf.sub(b, 3.4))));
    const vr = tf.sub(0.9277, tf.div(3.6224, tf.sub(b, 2)));
    const propose = (own: tf.Tensor[], u: tf.Tensor, v: tf.Tensor): [tf.Tensor, tf.Tensor] => {
      const [r, b, a, logInvAlpha, vr] = own as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const us = tf.sub(0.5, tf.abs(u));
      const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u), tf.add(r, 0.43)));
      const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
      const impossible = tf.logicalOr(tf.less(k, 0), tf.logicalAnd(tf.less(us, 0.013), tf.greater(v, us)));
      const kSafe = tf.where(impossible, tf.zerosLike(k), k);
      const hat = tf.sub(tf.add(tf.log(v), logInvAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
      const fits = tf.lessEqual(hat, tf.tidy(() => poissonLogMassValue(kSafe, r)));
      return [kSafe, tf.logicalOr(quick, tf.logicalAnd(tf.logicalNot(impossible), fits))];
    };
    const rejected = needs.rejection ? reject([r, b, a, logInvAlpha, vr], propose, tf.floor(r), m, rejectionSeed, onHost) : tf.zeros([m, ...shape]);
    return tf.where(tf.broadcastTo(small, rejected.shape), inverted, rejected);
  });
}

const f32 = Math.fround;
/** BTRS's per-draw constants; p, q and the log-masses at the mode, 0 and n as the log-mass kernels compute them. */
type BtrsParameter = 'trials' | 'b' | 'a' | 'c' | 'logAlpha' | 'vr' | 'atMode' | 'p' | 'q' | 'atZero' | 'atN';
const SQUEEZE_US = f32(0.07);
// The host's BTRS keeps the log-mass ratios it computes per batch member and count, up to this many values in all:
// Binomial(40, ·) proposes the same 41 counts a million times, and a log costs ~20–40 ns in JavaScript.
const MEMO_VALUES = 2 ** 20;

/**
 * BTRS's `propose` below as a round on the host: float32 arithmetic
 * operation for operation, so that it gives the kernels' draws (bit for bit
 * on cpu, where the kernels' log is float32's correctly rounded one).
 * The parameters' values are in the batch's shape (`size` of each).
 */
function btrsRound(parameters: Record<BtrsParameter, Float32Array>, size: number): NonNullable<RejectionRounds['proposeRound']> {
  const { trials, b, a, c, logAlpha, vr, atMode, p, q, atZero, atN } = parameters;
  const memo: (Float32Array | undefined)[] = [];
  let unused = MEMO_VALUES;
  const logMassRatio = (i: number, k: number, n: number): number => {
    let known = memo[i];
    if (known === undefined && n < unused && Number.isInteger(n)) {
      known = memo[i] = new Float32Array(n + 1).fill(NaN);
      unused -= n + 1;
    }
    const memoised = known?.[k];
    if (memoised !== undefined && !Number.isNaN(memoised)) return memoised;
    const logMass = k === 0 ? (atZero[i] as number) : k === n ? (atN[i] as number) : binomialInnerLogMassF32(k, n, p[i] as number, q[i] as number);
    const ratio = f32(logMass - (atMode[i] as number));
    if (known !== undefined) known[k] = ratio;
    return ratio;
  };
  return ([u, v], pending, draw) => {
    let still = 0;
    for (let j = 0; j < pending.length; j++) {
      const at = pending[j] as number;
      const i = at % size;
      const uj = (u as Float32Array)[j] as number;
      const vj = (v as Float32Array)[j] as number;
      const aj = a[i] as number;
      const bj = b[i] as number;
      const n = trials[i] as number;
      const us = f32(0.5 - Math.abs(uj));
      const k = Math.floor(f32(f32(f32(f32(f32(2 * aj) / us) + bj) * uj) + (c[i] as number)));
      const accepted =
        k >= 0 &&
        k <= n &&
        ((us >= SQUEEZE_US && vj <= (vr[i] as number)) ||
          f32(f32(f32(Math.log(vj)) + (logAlpha[i] as number)) - f32(Math.log(f32(f32(aj / f32(us * us)) + bj)))) <= logMassRatio(i, k, n));
      if (accepted) draw[at] = k;
      else pending[still++] = at;
    }
    return still;
  };
}

function hostValues<K extends string>(tensors: Record<K, tf.Tensor>): Record<K, Float32Array> {
  return Object.fromEntries(Object.entries<tf.Tensor>(tensors).map(([name, t]) => [name, t.dataSync() as Float32Array])) as Record<K, Float32Array>;
}

/**
 * Binomial(n, sigmoid(logits)) draws `[n, ...shape]` (parameters of one
 * shape): for p > ½ the failures are drawn instead; inversion below a mean of
 * 10, Hörmann's BTRS above.
 */
export function binomialDraws(totalCount: tf.Tensor, logits: tf.Tensor, n: number, seed: Seed, onHost = onHostBackend()): tf.Tensor {
  const shape = [...logits.shape];
  return tf.tidy(() => {
    const l = tf.neg(tf.abs(logits)); // p ≤ ½ from here on
    const small = tf.less(tf.mul(totalCount, tf.sigmoid(l)), INVERSION_BELOW);
    const needs = methodsNeeded(small, onHost);
    // Stand-ins (n = 100, p = ½) where inversion is used keep the rejection arithmetic finite.
    const trials = tf.where(small, tf.fill(shape, 100), totalCount);
    const lh = tf.where(small, tf.zeros(shape), l);
    const p = tf.sigmoid(lh);
    const q = tf.sigmoid(tf.neg(lh));
    const spq = tf.sqrt(tf.mul(tf.mul(trials, p), q));
    const b = tf.add(1.15, tf.mul(2.53, spq));
    const a = tf.add(tf.add(-0.0873, tf.mul(0.0248, b)), tf.mul(0.01, p));
    const c = tf.add(tf.mul(trials, p), 0.5);
    const logAlpha = tf.log(tf.mul(tf.add(2.83, tf.div(5.1, b)), spq));
    const vr = tf.sub(0.92, tf.div(4.2, b));
    const mode = tf.floor(tf.mul(tf.add(trials, 1), p));
    const logMassAtMode = binomialLogMassValue(mode, trials, lh);
    const propose = (own: tf.Tensor[], u: tf.Tensor, v: tf.Tensor): [tf.Tensor, tf.Tensor] => {
      const [trials, lh, b, a, c, logAlpha, vr, logMassAtMode] = own as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const us = tf.sub(0.5, tf.abs(u));
      const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u), c));
      const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
      const impossible = tf.logicalOr(tf.less(k, 0), tf.greater(k, trials));
      const kSafe = tf.where(impossible, tf.zerosLike(k), k);
      const hat = tf.sub(tf.add(tf.log(v), logAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
      const logRatio = tf.tidy(() => tf.sub(binomialLogMassValue(kSafe, trials, lh), logMassAtMode));
      return [kSafe, tf.logicalAnd(tf.logicalNot(impossible), tf.logicalOr(quick, tf.lessEqual(hat, logRatio)))];
    };
    const proposeRound =
      onHost && needs.rejection
        ? btrsRound(
            hostValues({
              ...{ trials, b, a, c, logAlpha, vr, p, q },
              atMode: logMassAtMode,
              atZero: binomialLogMassValue(tf.zerosLike(trials), trials, lh),
              atN: binomialLogMassValue(trials, trials, lh),
            }),
            sizeOf(shape),
          )
        : undefined;
    const failures = tf.greater(logits, 0);
    return inChunks(n, WORKING_SET * sizeOf(shape), seed, (m, chunkSeed) => {
      const [inversionSeed, rejectionSeed] = splitSeed(chunkSeed, 2) as [Seed, Seed];
      const inverted = needs.inversion
        ? invert((k) => binomialLogMassValue(k, tf.broadcastTo(totalCount, k.shape), tf.broadcastTo(l, k.shape)), shape, m, inversionSeed, onHost)
        : tf.zeros([m, ...shape]);
      const rejected = needs.rejection
        ? reject([trials, lh, b, a, c, logAlpha, vr, logMassAtMode], propose, mode, m, rejectionSeed, onHost, proposeRound)
        : tf.zeros([m, ...shape]);
      const draws = tf.where(tf.broadcastTo(small, rejected.shape), inverted, rejected);
      return tf.where(tf.broadcastTo(failures, draws.shape), tf.sub(totalCount, draws), draws);
    });
  });
}
