import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, LatentError, ValidationError } from '../errors';
import { broadcastShapes } from './shapes';
import { sum } from '../math/sum';
import type { Seed } from '../random/seed';
import { Distribution } from './distribution';
import { BUILTIN_KL } from './kl-builtin';

/** A class of distributions (abstract ones included), as a registry key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionClass<D extends Distribution = Distribution> = abstract new (...args: any[]) => D;

/** A KL divergence between two distributions, shape: their broadcast batch shape. */
export type KLFunction<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (p: P, q: Q) => tf.Tensor;

interface Registration {
  p: DistributionClass;
  q: DistributionClass;
  fn: KLFunction;
}

const registered: Registration[] = [];
const cache = new Map<DistributionClass, Map<DistributionClass, KLFunction>>();

function registrations(): Registration[] {
  return [...BUILTIN_KL, ...registered];
}

/**
 * Registers the KL divergence KL(p ‖ q) for instances of `P` and `Q` (and of
 * their subclasses, unless a more specific pair is registered). A pair that
 * already has one is refused.
 *
 * @example
 * ```ts
 * class MyNormal extends Normal {}
 * registerKL(MyNormal, MyNormal, (p, q) => kl(new Normal(p), new Normal(q)));
 * ```
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  Q: DistributionClass<Q>,
  fn: KLFunction<P, Q>,
): void {
  for (const [name, cls] of [['P', P], ['Q', Q]] as const) {
    if (typeof cls !== 'function' || !((cls as unknown) === Distribution || cls.prototype instanceof Distribution)) {
      throw new ValidationError('registerKL', name, 'be a class extending Distribution', cls);
    }
  }
  if (typeof fn !== 'function') throw new ValidationError('registerKL', 'fn', 'be a function (p, q) => Tensor', fn);
  if (registrations().some((r) => r.p === P && r.q === Q)) {
    throw new ValidationError('registerKL', 'pair', 'not already have a KL divergence', undefined, `${P.name} ‖ ${Q.name}`);
  }
  registered.push({ p: P, q: Q, fn: fn as KLFunction });
  cache.clear();
}

/**
 * KL(p ‖ q) = E_p[log p(x) − log q(x)], in closed form, by the most specific
 * registered pair of classes. Shape: the broadcast of both batch shapes.
 * +Infinity where the support of p is not inside that of q.
 *
 * Built in: every family with itself (Normal, Bernoulli, Binomial,
 * Categorical, OneHotCategorical, Poisson, Uniform, Exponential, Laplace,
 * LogNormal, HalfNormal, Cauchy, Gamma, Beta, Dirichlet, ContinuousBernoulli,
 * the multivariate normals in any combination, Independent); and across
 * families, torch.distributions' pairs — Beta, ContinuousBernoulli,
 * Exponential, Gamma, Laplace or Uniform ‖ Normal; Beta, ContinuousBernoulli,
 * Gamma or Uniform ‖ Exponential; Beta, Exponential or Uniform ‖ Gamma; Beta or
 * Uniform ‖ ContinuousBernoulli; Uniform ‖ Beta; Normal ‖ Laplace, Uniform;
 * Bernoulli ‖ Poisson — with +Infinity for the pairs whose supports do not
 * nest (Normal ‖ Beta, Poisson ‖ Binomial, …).
 *
 * @throws LatentError naming both classes when no pair is registered (use
 *   {@link klMonteCarlo} then).
 *
 * @example
 * ```ts
 * kl(new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 })).print(); // 0.4431
 * ```
 */
export function kl(p: Distribution, q: Distribution): tf.Tensor {
  checkPair('kl', p, q);
  const fn = resolve(p, q);
  checkBatchShapes('kl', p, q);
  return fn(p, q);
}

/** p and q must be distributions. */
function checkPair(where: string, p: unknown, q: unknown): void {
  for (const [name, d] of [['p', p], ['q', q]] as const) {
    if (!(d instanceof Distribution)) throw new ValidationError(where, name, 'be a Distribution', d);
  }
}

/** Their batch shapes must broadcast (each KL checks the event shapes it needs). */
function checkBatchShapes(where: string, p: Distribution, q: Distribution): void {
  broadcastShapes(where, p.batchShape, q.batchShape, 'p.batchShape and q.batchShape');
}

function resolve(p: Distribution, q: Distribution): KLFunction {
  const P = p.constructor as DistributionClass;
  const Q = q.constructor as DistributionClass;
  const cached = cache.get(P)?.get(Q);
  if (cached !== undefined) return cached;
  const matches = registrations()
    .map((r) => ({ r, dp: distance(P, r.p), dq: distance(Q, r.q) }))
    .filter((m) => m.dp >= 0 && m.dq >= 0);
  if (matches.length === 0) {
    throw new LatentError(`kl: no KL divergence is registered for ${p.name} ‖ ${q.name}; register one with registerKL or estimate it with klMonteCarlo`);
  }
  // The most specific pair: no other match is at least as close on both sides.
  const best = matches.filter((m) => !matches.some((o) => o !== m && o.dp <= m.dp && o.dq <= m.dq && (o.dp < m.dp || o.dq < m.dq)));
  if (best.length > 1) {
    const pairs = best.map((m) => `${m.r.p.name} ‖ ${m.r.q.name}`).join(', ');
    throw new LatentError(`kl: ambiguous KL divergence for ${p.name} ‖ ${q.name}: ${pairs} match equally; register ${P.name} ‖ ${Q.name}`);
  }
  const fn = (best[0] as (typeof matches)[number]).r.fn;
  if (!cache.has(P)) cache.set(P, new Map());
  cache.get(P)!.set(Q, fn);
  return fn;
}

/** Prototype hops from `cls` up to `ancestor`, or -1 when it is not one. */
function distance(cls: DistributionClass, ancestor: DistributionClass): number {
  let hops = 0;
  for (let c: unknown = cls; typeof c === 'function'; c = Object.getPrototypeOf(c), hops++) {
    if (c === ancestor) return hops;
  }
  return -1;
}

/** Options of {@link klMonteCarlo}. */
export interface KLMonteCarloOptions {
  /** Number of draws from p (default 1000). The standard error shrinks like 1/√numSamples. */
  numSamples?: number;
  /** Reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
}

/**
 * Monte-Carlo estimate of KL(p ‖ q): the mean of log p(x) − log q(x) over
 * draws x ~ p, for pairs with no closed form. Unbiased; differentiable in
 * p's parameters when p has `rsample`.
 *
 * @example
 * ```ts
 * const estimate = klMonteCarlo(mixture, normal, { numSamples: 10_000, seed: 1 });
 * ```
 */
export function klMonteCarlo(p: Distribution, q: Distribution, options: KLMonteCarloOptions = {}): tf.Tensor {
  const { numSamples = 1000, seed } = options;
  checkPositiveInteger('klMonteCarlo', 'numSamples', numSamples);
  checkPair('klMonteCarlo', p, q);
  checkBatchShapes('klMonteCarlo', p, q);
  return tf.tidy(() => {
    const x = p.hasRsample ? p.rsample(numSamples, { seed }) : p.sample(numSamples, { seed });
    // latent's sum: wasm's tf.mean accumulates serially in float32.
    return tf.div(sum(tf.sub(p.logProb(x), q.logProb(x)), 0), numSamples);
  });
}
