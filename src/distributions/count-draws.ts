import * as tf from '@tensorflow/tfjs-core';
import { randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { binomialLogMassValue, poissonLogMassValue } from './count-log-mass';
import { inChunks } from './in-chunks';
import { sizeOf } from './shapes';

// Below a mean of 10 draws invert the cdf over 0 … 47 (P(K ≥ 48) < 1e-14 there). Above it
// Hörmann's transformed rejection accepts at least 70% of proposals (measured from means 10 to
// 1e6; 75–89% for PTRS, 71–89% for BTRS): after 18 rounds a draw is still pending with
// probability below 4e-10 and takes the mode.
const INVERSION_BELOW = 10;
const INVERSION_TERMS = 48;
const ROUNDS = 18;

/** Inversion: the number of j in 0 … 46 with F(j) < u · F(47), for F the cdf of `logMass` ([terms, ...shape]). */
function invert(logMass: (k: tf.Tensor) => tf.Tensor, shape: number[], n: number, seed: Seed): tf.Tensor {
  const terms = tf.add(tf.reshape(tf.range(0, INVERSION_TERMS), [INVERSION_TERMS, ...shape.map(() => 1)]), tf.zeros([INVERSION_TERMS, ...shape]));
  const cdf = tf.cumsum(tf.exp(tf.tidy(() => logMass(terms))), 0);
  const [levels, total] = tf.split(cdf, [INVERSION_TERMS - 1, 1], 0) as [tf.Tensor, tf.Tensor];
  const u = tf.mul(randomUniform([1, n, ...shape], { seed }), tf.expandDims(total, 1));
  const below = tf.less(tf.expandDims(levels, 1), u);
  return tf.sum(tf.where(below, tf.ones(below.shape), tf.zeros(below.shape)), 0);
}

/**
 * Rejection: `propose(u, v)` maps uniforms `[ROUNDS, n, ...]` (u centred on 0)
 * to proposals and whether each is accepted; a draw is its first accepted
 * proposal, `fallback` where none is.
 */
function reject(propose: (u: tf.Tensor, v: tf.Tensor) => [tf.Tensor, tf.Tensor], fallback: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  const [uSeed, vSeed] = splitSeed(seed, 2) as [Seed, Seed];
  const shape = [ROUNDS, n, ...fallback.shape];
  const [k, accepted] = propose(tf.sub(randomUniform(shape, { seed: uSeed }), 0.5), randomUniform(shape, { seed: vSeed }));
  const count = tf.cumsum(tf.where(accepted, tf.ones(shape), tf.zeros(shape)), 0);
  const first = tf.logicalAnd(accepted, tf.equal(count, 1));
  const draw = tf.sum(tf.where(first, k, tf.zeros(shape)), 0);
  const none = tf.equal(tf.squeeze(tf.slice(count, [ROUNDS - 1], [1]), [0]), 0);
  return tf.where(none, tf.add(fallback, tf.zeros(draw.shape)), draw);
}

/** Poisson(λ) draws `[n, ...λ.shape]`: inversion below a rate of 10, Hörmann's PTRS above. */
export function poissonDraws(rate: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  const shape = [...rate.shape];
  return inChunks(n, INVERSION_TERMS * sizeOf(shape), seed, (m, chunkSeed) => {
    const [inversionSeed, rejectionSeed] = splitSeed(chunkSeed, 2) as [Seed, Seed];
    const small = tf.less(rate, INVERSION_BELOW);
    const lowRate = tf.where(small, rate, tf.onesLike(rate));
    const inverted = invert((k) => poissonLogMassValue(k, tf.broadcastTo(lowRate, k.shape)), shape, m, inversionSeed);
    const r = tf.where(small, tf.fill(shape, INVERSION_BELOW), rate);
    const b = tf.add(0.931, tf.mul(2.53, tf.sqrt(r)));
    const a = tf.add(-0.059, tf.mul(0.02483, b));
    const logInvAlpha = tf.log(tf.add(1.1239, tf.div(1.1328, tf.sub(b, 3.4))));
    const vr = tf.sub(0.9277, tf.div(3.6224, tf.sub(b, 2)));
    const rejected = reject(
      (u, v) => {
        const us = tf.sub(0.5, tf.abs(u));
        const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u), tf.add(r, 0.43)));
        const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
        const impossible = tf.logicalOr(tf.less(k, 0), tf.logicalAnd(tf.less(us, 0.013), tf.greater(v, us)));
        const kSafe = tf.where(impossible, tf.zerosLike(k), k);
        const hat = tf.sub(tf.add(tf.log(v), logInvAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
        const fits = tf.lessEqual(hat, tf.tidy(() => poissonLogMassValue(kSafe, tf.broadcastTo(r, k.shape))));
        return [kSafe, tf.logicalOr(quick, tf.logicalAnd(tf.logicalNot(impossible), fits))];
      },
      tf.floor(r),
      m,
      rejectionSeed,
    );
    return tf.where(tf.broadcastTo(small, rejected.shape), inverted, rejected);
  });
}

/**
 * Binomial(n, sigmoid(logits)) draws `[n, ...shape]` (parameters of one
 * shape): for p > ½ the failures are drawn instead; inversion below a mean of
 * 10, Hörmann's BTRS above.
 */
export function binomialDraws(totalCount: tf.Tensor, logits: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  const shape = [...logits.shape];
  return inChunks(n, INVERSION_TERMS * sizeOf(shape), seed, (m, chunkSeed) => {
    const [inversionSeed, rejectionSeed] = splitSeed(chunkSeed, 2) as [Seed, Seed];
    const l = tf.neg(tf.abs(logits)); // p ≤ ½ from here on
    const small = tf.less(tf.mul(totalCount, tf.sigmoid(l)), INVERSION_BELOW);
    const inverted = invert((k) => binomialLogMassValue(k, tf.broadcastTo(totalCount, k.shape), tf.broadcastTo(l, k.shape)), shape, m, inversionSeed);
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
    const rejected = reject(
      (u, v) => {
        const us = tf.sub(0.5, tf.abs(u));
        const k = tf.floor(tf.add(tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u), c));
        const quick = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
        const impossible = tf.logicalOr(tf.less(k, 0), tf.greater(k, trials));
        const kSafe = tf.where(impossible, tf.zerosLike(k), k);
        const hat = tf.sub(tf.add(tf.log(v), logAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
        const logRatio = tf.tidy(() => tf.sub(binomialLogMassValue(kSafe, tf.broadcastTo(trials, k.shape), tf.broadcastTo(lh, k.shape)), logMassAtMode));
        return [kSafe, tf.logicalAnd(tf.logicalNot(impossible), tf.logicalOr(quick, tf.lessEqual(hat, logRatio)))];
      },
      mode,
      m,
      rejectionSeed,
    );
    const draws = tf.where(tf.broadcastTo(small, rejected.shape), inverted, rejected);
    return tf.where(tf.broadcastTo(tf.greater(logits, 0), draws.shape), tf.sub(totalCount, draws), draws);
  });
}
