import fc from 'fast-check';
import { Normal } from 'latent';
import { callStudent, checkFunction, LawBroken, runLaws, show, type ExerciseReport, type StudentNumber } from './exercise-report';

/** A student's KL divergence between two univariate normal distributions. */
export type StudentKL = (p: Normal, q: Normal) => StudentNumber;

/** Options of {@link checkKL}. */
export interface KLExerciseOptions {
  /** Parameter draws per law (default 100). */
  numRuns?: number;
  /** fast-check's seed (default 1). */
  seed?: number;
}

type Pair = { p: [number, number]; q: [number, number] };

/** KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) in float64. */
const closedForm = ([m1, s1]: [number, number], [m2, s2]: [number, number]) => Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;

/**
 * Checks a student's `myKL(p, q)`: KL(p ‖ q) for two `Normal`s with scalar parameters, as a number or
 * one-element tensor. fast-check draws the parameters (locations in [−5, 5], scales in [0.1, 5], two
 * decimals) and shrinks a failure to a small counterexample. The laws: it returns one number;
 * KL(p, p) = 0; KL(p, q) ≥ 0; and it equals the closed form log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½
 * within 1e-4 (relative, and absolute near 0) — with a hint when the answer is KL(q ‖ p) instead.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { checkKL } from 'latent/testing';
 *
 * const myKL = (p, q) => {
 *   const ratio = tf.div(p.scale, q.scale);
 *   return tf.add(tf.sub(tf.mul(0.5, tf.add(tf.square(ratio), tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale)))), 0.5), tf.neg(tf.log(ratio)));
 * };
 * console.log((await checkKL(myKL)).summary); // KL divergence: all 4 checks passed. …
 * ```
 */
export async function checkKL(myKL: StudentKL, options: KLExerciseOptions = {}): Promise<ExerciseReport> {
  checkFunction('checkKL', 'myKL', myKL);
  const { numRuns = 100, seed = 1 } = options;
  const parameter = fc.tuple(fc.integer({ min: -500, max: 500 }).map((i) => i / 100), fc.integer({ min: 10, max: 500 }).map((i) => i / 100));
  const name = ([m, s]: [number, number]) => `N(${m}, ${s}²)`;
  const studentKL = async ({ p, q }: Pair): Promise<number> => {
    const [P, Q] = [new Normal({ loc: p[0], scale: p[1] }), new Normal({ loc: q[0], scale: q[1] })];
    try {
      return (await callStudent(() => myKL(P, Q), 1, 'one number: KL(p ‖ q)'))[0]!;
    } finally {
      P.dispose();
      Q.dispose();
    }
  };
  /** Runs `law` over drawn pairs; a failure is explained on fast-check's shrunk counterexample. */
  const forAll = async (pairs: fc.Arbitrary<Pair>, law: (pair: Pair, got: number) => string | null) => {
    const property = fc.asyncProperty(pairs, async (pair) => {
      const why = law(pair, await studentKL(pair));
      if (why !== null) throw new LawBroken(why);
    });
    const details = await fc.check(property, { numRuns, seed });
    if (details.failed) throw details.errorInstance;
  };
  const pairs = fc.record({ p: parameter, q: parameter });

  return runLaws('KL divergence', [
    ['returns one number', async () => void (await studentKL({ p: [0, 1], q: [1, 2] }))],
    ['KL(p, p) = 0', () => forAll(parameter.map((p) => ({ p, q: p })), ({ p }, got) =>
      Math.abs(got) <= 1e-4 ? null : `p and q are both ${name(p)}: a distribution is at divergence 0 from itself, but you returned ${show(got)}.`)],
    ['KL(p, q) ≥ 0', () => forAll(pairs, ({ p, q }, got) =>
      got >= -1e-5 ? null : `for p = ${name(p)}, q = ${name(q)} you returned ${show(got)}: a KL divergence is never negative (Gibbs' inequality).`)],
    ['equals the closed form', () => forAll(pairs, ({ p, q }, got) => {
      const want = closedForm(p, q);
      if (Math.abs(got - want) <= 1e-4 * Math.max(1, want)) return null;
      const reversed = closedForm(q, p);
      const hint = Math.abs(got - reversed) <= 1e-4 * Math.max(1, reversed) ? ' That is KL(q ‖ p): the divergence is not symmetric — swap the roles of p and q.' : '';
      return `for p = ${name(p)}, q = ${name(q)}: KL(p ‖ q) = log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½ = ${show(want)}; you returned ${show(got)}.${hint}`;
    })],
  ]);
}
