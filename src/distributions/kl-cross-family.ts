import * as tf from '@tensorflow/tfjs-core';
import { digamma } from '../math/digamma';
import { lbeta } from '../math/lbeta';
import { lgamma } from '../math/lgamma';
import { Beta } from './beta';
import { Binomial } from './binomial';
import { ContinuousBernoulli } from './continuous-bernoulli';
import { binomialLogMass } from './count-log-mass';
import type { Distribution } from './distribution';
import { Exponential } from './exponential';
import { Gamma } from './gamma';
import type { Bernoulli } from './bernoulli';
import { bernoulliKLFromLogits } from './kl-discrete';
import { latticeSum } from './lattice-sum';
import { Laplace } from './laplace';
import type { Normal } from './normal';
import type { Poisson } from './poisson';
import { expandTo, klBatchShape } from './shapes';
import { Uniform } from './uniform';

// KL(p ‖ q) = −H(p) − E_p[log q(X)] for p and q of different families, as torch.distributions
// registers them, with +Infinity where p puts mass outside q's support.

const EULER_GAMMA = 0.5772156649015329;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** x log x with 0 log 0 = 0. */
function xLogX(x: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(x, 0), tf.mul(x, tf.log(tf.maximum(x, 1e-30))), tf.zerosLike(x));
}

/** E[log X] for p on (0, ∞): Beta, Exponential, Gamma, or a Uniform on [l, h] with l ≥ 0. */
function expectedLog(p: Distribution): tf.Tensor {
  if (p instanceof Beta) return tf.sub(digamma(p.concentration1), digamma(tf.add(p.concentration1, p.concentration0)));
  if (p instanceof Exponential) return tf.sub(-EULER_GAMMA, tf.log(p.rate));
  if (p instanceof Gamma) return tf.sub(digamma(p.concentration), tf.log(p.rate));
  const u = p as Uniform; // (h log h − l log l)/(h − l) − 1
  return tf.sub(tf.div(tf.sub(xLogX(u.high), xLogX(tf.relu(u.low))), tf.sub(u.high, u.low)), 1);
}

/** E[log(1 − X)] for a Uniform on [l, h] ⊆ [0, 1]: the same integral at 1 − X. */
function expectedLogOneMinus(u: Uniform): tf.Tensor {
  const [a, b] = [tf.relu(tf.sub(1, u.high)), tf.relu(tf.sub(1, u.low))];
  return tf.sub(tf.div(tf.sub(xLogX(b), xLogX(a)), tf.sub(u.high, u.low)), 1);
}

/** Where a Uniform p leaves [low, high]: +Infinity there (other families of p stay inside by their support). */
function outside(p: Distribution, low: number, high: number): tf.Tensor | undefined {
  if (!(p instanceof Uniform)) return undefined;
  return tf.logicalOr(tf.less(p.low, low), tf.greater(p.high, high));
}

function withInfinity(value: tf.Tensor, infinite: tf.Tensor | undefined, shape: number[]): tf.Tensor {
  const v = expandTo(value, shape);
  return infinite === undefined ? v : tf.where(tf.broadcastTo(infinite, shape), tf.fill(shape, Infinity), v);
}

/** KL(p ‖ N(μ, σ²)) = −H(p) + log σ + ½ log 2π + (Var p + (E p − μ)²) / (2σ²). */
export function klToNormal(p: Distribution, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const quadratic = tf.div(tf.add(p.variance(), tf.square(tf.sub(p.mean(), q.loc))), tf.mul(2, tf.square(q.scale)));
    const crossEntropy = tf.add(tf.add(tf.log(q.scale), HALF_LOG_TWO_PI), quadratic);
    return expandTo(tf.sub(crossEntropy, p.entropy()), klBatchShape(p, q));
  });
}

/** KL(p ‖ Exp(λ)) = −H(p) − log λ + λ E p, for p on [0, ∞). */
export function klToExponential(p: Distribution, q: Exponential): tf.Tensor {
  return tf.tidy(() => {
    const crossEntropy = tf.sub(tf.mul(q.rate, p.mean()), tf.log(q.rate));
    return withInfinity(tf.sub(crossEntropy, p.entropy()), outside(p, 0, Infinity), klBatchShape(p, q));
  });
}

/** KL(p ‖ Gamma(α, β)) = −H(p) − α log β + log Γ(α) − (α − 1) E[log X] + β E p, for p on [0, ∞). */
export function klToGamma(p: Distribution, q: Gamma): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = [q.concentration, q.rate];
    const crossEntropy = tf.add(tf.sub(tf.sub(lgamma(a), tf.mul(a, tf.log(b))), tf.mul(tf.sub(a, 1), expectedLog(p))), tf.mul(b, p.mean()));
    return withInfinity(tf.sub(crossEntropy, p.entropy()), outside(p, 0, Infinity), klBatchShape(p, q));
  });
}

/** KL(p ‖ CB(λ)) = −H(p) − log q(E p): the continuous Bernoulli's log-density is affine in x. */
export function klToContinuousBernoulli(p: Distribution, q: ContinuousBernoulli): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.clipByValue(p.mean(), 0, 1); // a Uniform reaching outside [0, 1] gets +Infinity below
    return withInfinity(tf.neg(tf.add(p.entropy(), q.logProb(mean))), outside(p, 0, 1), klBatchShape(p, q));
  });
}

/** KL(U[l, h] ‖ Beta(a, b)) = −log(h − l) + log B(a, b) − (a − 1) E log X − (b − 1) E log(1 − X), for [l, h] ⊆ [0, 1]. */
export function klUniformBeta(p: Uniform, q: Beta): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = [q.concentration1, q.concentration0];
    const crossEntropy = tf.sub(tf.sub(lbeta(a, b), tf.mul(tf.sub(a, 1), expectedLog(p))), tf.mul(tf.sub(b, 1), expectedLogOneMinus(p)));
    return withInfinity(tf.sub(crossEntropy, p.entropy()), outside(p, 0, 1), klBatchShape(p, q));
  });
}

/**
 * KL(N(μp, σp²) ‖ Laplace(μq, b)) = −H(p) + log 2b + E|X − μq| / b, with the
 * folded-normal mean E|X − μq| = σp √(2/π) e^{−δ²/2σp²} + δ erf(δ / (σp √2)), δ = μp − μq.
 */
export function klNormalLaplace(p: Normal, q: Laplace): tf.Tensor {
  return tf.tidy(() => {
    const delta = tf.sub(p.loc, q.loc);
    const z = tf.div(delta, p.scale);
    const folded = tf.add(tf.mul(tf.mul(p.scale, Math.sqrt(2 / Math.PI)), tf.exp(tf.mul(-0.5, tf.square(z)))), tf.mul(delta, tf.erf(tf.div(z, Math.SQRT2))));
    const crossEntropy = tf.add(tf.log(tf.mul(2, q.scale)), tf.div(folded, q.scale));
    return expandTo(tf.sub(crossEntropy, p.entropy()), klBatchShape(p, q));
  });
}

/** +Infinity: p puts mass where q has none (torch's pairs of unbounded into bounded supports). */
export function klInfinite(p: Distribution, q: Distribution): tf.Tensor {
  return tf.fill(klBatchShape(p, q), Infinity);
}

/** KL(Poisson(λp) ‖ Poisson(λq)) = λp log(λp/λq) − λp + λq. */
export function klPoissonPoisson(p: Poisson, q: Poisson): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = [p.rate, q.rate];
    return expandTo(tf.add(tf.sub(tf.mul(a, tf.sub(tf.log(a), tf.log(b))), a), b), klBatchShape(p, q));
  });
}

/** KL(Bernoulli(p) ‖ Poisson(λ)) = −H(p) + λ − p log λ (log 0! = log 1! = 0). */
export function klBernoulliPoisson(p: Bernoulli, q: Poisson): tf.Tensor {
  return tf.tidy(() => expandTo(tf.sub(tf.sub(q.rate, tf.mul(p.probs(), tf.log(q.rate))), p.entropy()), klBatchShape(p, q)));
}

/**
 * KL(Bin(n, p) ‖ Bin(m, q)): n·KL(Bern(p) ‖ Bern(q)) when n = m; +Infinity when
 * n > m; for n < m summed over p's support on the device.
 */
export function klBinomialBinomial(p: Binomial, q: Binomial): tf.Tensor {
  return tf.tidy(() => {
    const shape = klBatchShape(p, q);
    const [n, m] = [expandTo(p.totalCount, shape), expandTo(q.totalCount, shape)];
    const [lp, lq] = [expandTo(p.logits, shape), expandTo(q.logits, shape)];
    const [sp, sq] = [tf.sigmoid(lp), tf.sigmoid(tf.neg(lp))];
    const equal = tf.mul(n, bernoulliKLFromLogits(lp, lq));
    const logMassP = (k: tf.Tensor) => binomialLogMass(k, tf.broadcastTo(n, k.shape), tf.broadcastTo(lp, k.shape));
    const logMassQ = (k: tf.Tensor) => binomialLogMass(k, tf.broadcastTo(m, k.shape), tf.broadcastTo(lq, k.shape));
    const summed = latticeSum(logMassP, tf.mul(n, sp), tf.sqrt(tf.mul(n, tf.mul(sp, sq))), (k, logP) => tf.sub(logP, logMassQ(k)));
    return tf.where(tf.equal(n, m), equal, tf.where(tf.greater(n, m), tf.fill(shape, Infinity), summed));
  });
}
