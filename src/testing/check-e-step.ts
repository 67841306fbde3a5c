import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { callStudent, checkFunction, LawBroken, runLaws, show, type ExerciseReport, type StudentNumber } from './exercise-report';

/**
 * A student's E-step for a mixture of K univariate Gaussians: the responsibilities `[N, K]`,
 * r_nk = π_k N(x_n; μ_k, σ_k²) / Σ_j π_j N(x_n; μ_j, σ_j²).
 */
export type StudentEStep = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => StudentNumber;

/** Options of {@link checkEStep}. */
export interface EStepExerciseOptions {
  /** Parameter draws for the comparison with the reference (default 50). */
  numRuns?: number;
  /** fast-check's seed, and the seed of the EM data (default 1). */
  seed?: number;
}

interface Mixture { weights: number[]; means: number[]; scales: number[] }

const logNormal = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - ((x - m) ** 2) / (2 * s * s);

/** Responsibilities in float64, with the log-sum-exp; and the mean log-likelihood per point. */
function reference(x: readonly number[], { weights, means, scales }: Mixture): { r: number[][]; logLikelihood: number } {
  let total = 0;
  const r = x.map((xn) => {
    const logs = weights.map((w, k) => Math.log(w) + logNormal(xn, means[k]!, scales[k]!));
    const top = Math.max(...logs);
    const lse = top + Math.log(logs.reduce((a, l) => a + Math.exp(l - top), 0));
    total += lse;
    return logs.map((l) => Math.exp(l - lse));
  });
  return { r, logLikelihood: total / x.length };
}

/** The M-step of a univariate Gaussian mixture, in float64. */
function mStep(x: readonly number[], r: readonly number[][]): Mixture {
  const K = r[0]!.length;
  const counts = Array.from({ length: K }, (_, k) => r.reduce((a, row) => a + row[k]!, 0) + 1e-10);
  const means = counts.map((c, k) => r.reduce((a, row, n) => a + row[k]! * x[n]!, 0) / c);
  const scales = counts.map((c, k) => Math.sqrt(r.reduce((a, row, n) => a + row[k]! * (x[n]! - means[k]!) ** 2, 0) / c + 1e-6));
  return { weights: counts.map((c) => c / x.length), means, scales };
}

/** Seeded 1-D data from three Gaussians (Box–Muller on a linear congruential generator). */
function emData(seed: number): number[] {
  let state = seed >>> 0 || 1;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const centres = [-3, 0.5, 4];
  const spreads = [0.7, 1, 0.5];
  return Array.from({ length: 300 }, (_, i) => {
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return centres[i % 3]! + spreads[i % 3]! * gaussian;
  });
}

/**
 * Checks a student's E-step `myEStep(x, weights, means, scales)` for a mixture of univariate Gaussians:
 * it gets tensors `[N]`, `[K]`, `[K]`, `[K]` and returns the responsibilities `[N, K]`. The laws: the
 * answer has N·K numbers; every row is a probability vector; it equals the posterior over components
 * (float64 reference, 1e-4) for parameters fast-check draws; it stays finite for points far from every
 * component (compute in log space); and EM — the student's E-step with a reference M-step — never lowers
 * the log-likelihood over 25 iterations on 300 points.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { logSumExp } from 'latent';
 * import { checkEStep } from 'latent/testing';
 *
 * const myEStep = (x, weights, means, scales) => {
 *   const z = tf.div(tf.sub(tf.expandDims(x, 1), means), scales);                   // [N, K]
 *   const logJoint = tf.sub(tf.sub(tf.log(weights), tf.log(scales)), tf.add(tf.mul(0.5, tf.square(z)), 0.5 * Math.log(2 * Math.PI)));
 *   return tf.exp(tf.sub(logJoint, logSumExp(logJoint, 1, true)));
 * };
 * console.log((await checkEStep(myEStep)).passed); // true
 * ```
 */
export async function checkEStep(myEStep: StudentEStep, options: EStepExerciseOptions = {}): Promise<ExerciseReport> {
  checkFunction('checkEStep', 'myEStep', myEStep);
  const { numRuns = 50, seed = 1 } = options;
  const student = async (x: readonly number[], m: Mixture): Promise<number[][]> => {
    const args = [x, m.weights, m.means, m.scales].map((a) => tf.tensor1d(a as number[]));
    try {
      const flat = await callStudent(() => myEStep(args[0] as tf.Tensor1D, args[1] as tf.Tensor1D, args[2] as tf.Tensor1D, args[3] as tf.Tensor1D), x.length * m.weights.length, `the responsibilities: a tensor of shape [${x.length}, ${m.weights.length}] (one row per point)`, [x.length, m.weights.length]);
      return x.map((_, n) => Array.from(flat.slice(n * m.weights.length, (n + 1) * m.weights.length)));
    } finally {
      tf.dispose(args);
    }
  };
  const describe = (x: readonly number[], m: Mixture) =>
    `x = [${x.join(', ')}], weights = [${m.weights.map(show).join(', ')}], means = [${m.means.join(', ')}], scales = [${m.scales.join(', ')}]`;
  const compare = async (x: readonly number[], m: Mixture): Promise<string | null> => {
    const got = await student(x, m);
    const want = reference(x, m).r;
    for (let n = 0; n < x.length; n++) {
      const [row, wantRow] = [got[n]!, want[n]!];
      for (let k = 0; k < m.weights.length; k++) {
        if (Math.abs(row[k]! - wantRow[k]!) <= 1e-4) continue;
        const hint = row.some((g) => !Number.isFinite(g)) ? ' A NaN or infinity: exp of a very negative log-density underflows to 0, and 0/0 is NaN — normalise in log space (subtract logSumExp over k).' : '';
        return `for ${describe(x, m)}: the responsibility of component ${k} for x = ${x[n]} is ${show(wantRow[k]!)}, you returned ${show(row[k]!)} (row [${row.map(show).join(', ')}]).${hint}`;
      }
    }
    return null;
  };
  const mixture = fc.integer({ min: 1, max: 4 }).chain((K) => fc.record({
    weights: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: K, maxLength: K }).map((w) => w.map((v) => v / w.reduce((a, b) => a + b, 0))),
    means: fc.array(fc.integer({ min: -40, max: 40 }).map((i) => i / 10), { minLength: K, maxLength: K }),
    scales: fc.array(fc.integer({ min: 2, max: 30 }).map((i) => i / 10), { minLength: K, maxLength: K }),
  }));
  const points = fc.array(fc.integer({ min: -60, max: 60 }).map((i) => i / 10), { minLength: 1, maxLength: 6 });
  const example: Mixture = { weights: [0.3, 0.7], means: [-1, 2], scales: [1, 0.5] };

  return runLaws('E-step', [
    ['returns one row of K responsibilities per point', async () => void (await student([0, 1, 2], example))],
    ['each row is a probability vector (non-negative, sums to 1)', async () => {
      const x = [-2, 0, 0.5, 3];
      const rows = await student(x, example);
      rows.forEach((row, n) => {
        const total = row.reduce((a, b) => a + b, 0);
        if (row.every((r) => r >= 0) && Math.abs(total - 1) <= 1e-4) return;
        throw new LawBroken(`for ${describe(x, example)}: the row for x = ${x[n]} is [${row.map(show).join(', ')}], which sums to ${show(total)}. Responsibilities are a posterior over the K components: divide each π_k N(x; μ_k, σ_k²) by their sum over k.`);
      });
    }],
    ['equals the posterior over components', async () => {
      const details = await fc.check(fc.asyncProperty(points, mixture, async (x, m) => {
        const why = await compare(x, m);
        if (why !== null) throw new LawBroken(why);
      }), { numRuns, seed });
      if (details.failed) throw details.errorInstance;
    }],
    ['stays finite for points far from every component', async () => {
      const why = await compare([40, -35], example);
      if (why !== null) throw new LawBroken(why);
    }],
    ['EM with it never lowers the log-likelihood', async () => {
      const x = emData(seed);
      let m: Mixture = { weights: [1 / 3, 1 / 3, 1 / 3], means: [-1, 0, 1], scales: [2, 2, 2] };
      let previous = reference(x, m).logLikelihood;
      for (let iteration = 1; iteration <= 25; iteration++) {
        m = mStep(x, await student(x, m));
        const current = reference(x, m).logLikelihood;
        if (!(current >= previous - 1e-6)) {
          throw new LawBroken(`EM iteration ${iteration} (your E-step, then the M-step) lowered the mean log-likelihood of 300 points from ${show(previous)} to ${show(current)}; with exact responsibilities an EM iteration never lowers it.`);
        }
        previous = current;
      }
    }],
  ]);
}
