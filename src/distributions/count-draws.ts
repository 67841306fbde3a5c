import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { toFloat } from '../math/to-float';
import { randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { binomialLogMassValue, poissonLogMassValue } from './count-log-mass';
import { inChunks } from './in-chunks';
import { rejectInRounds } from './reject-in-rounds';
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
): tf.Tensor {
  const [uSeed, vSeed] = splitSeed(seed, 2) as [Seed, Seed];
  const [uSeeds, vSeeds] = [splitSeed(uSeed, ROUNDS), splitSeed(vSeed, ROUNDS)];
  const shape = [n, ...fallback.shape];
  return rejectInRounds(
    {
      parameters: parameters.map((t) => tf.broadcastTo(t, shape)),
      rounds: ROUNDS,
      randoms: (r, count) => [tf.sub(randomUniform([count], { seed: uSeeds[r] }), 0.5), randomUniform([count], { seed: vSeeds[r] })],
      propose: (own, [u, v]) => {
        const [value, accept] = propose(own, u as tf.Tensor, v as tf.Tensor);
        return { value, accept };
      },
      fallback: tf.broadcastTo(fallback, shape),
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

/**
 * Binomial(n, sigmoid(logits)) draws `[n, ...shape]` (parameters of one
 * shape): for p > ½ the failures are drawn instead; inversion below a mean of
 * 10, Hörmann's BTRS above.
 */
export function binomialDraws(totalCount: tf.Tensor, logits: tf.Tensor, n: number, seed: Seed, onHost = onHostBackend()): tf.Tensor {
  const shape = [...logits.shape];
  return inChunks(n, WORKING_SET * sizeOf(shape), seed, (m, chunkSeed) => {
    const [inversionSeed, rejectionSeed] = splitSeed(chunkSeed, 2) as [Seed, Seed];
    const l = tf.neg(tf.abs(logits)); // p ≤ ½ from here on
    const small = tf.less(tf.mul(totalCount, tf.sigmoid(l)), INVERSION_BELOW);
    const needs = methodsNeeded(small, onHost);
    const inverted = needs.inversion
      ? invert((k) => binomialLogMassValue(k, tf.broadcastTo(totalCount, k.shape), tf.broadcastTo(l, k.shape)), shape, m, inversionSeed, onHost)
      : tf.zeros([m, ...shape]);
    // Stand-ins (n = 100, p = ½) where inversion is used keep the rejection arithmetic finite.
    const trials = tf.where(small, tf.fill(shape, 100), totalCount);
    const lh = tf.where(small, tf.zeros(shape), l);
    const p = tf.sigmoid(lh);
    const spq = tf.sqrt(tf.mul(tf.mul(trials, p), tf.sigmoid(tf.neg(lh))));
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
    const rejected = needs.rejection ? reject([trials, lh, b, a, c, logAlpha, vr, logMassAtMode], propose, mode, m, rejectionSeed, onHost) : tf.zeros([m, ...shape]);
    const draws = tf.where(tf.broadcastTo(small, rejected.shape), inverted, rejected);
    return tf.where(tf.broadcastTo(tf.greater(logits, 0), draws.shape), tf.sub(totalCount, draws), draws);
  });
}
