import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { kl, klMonteCarlo, LatentError, NotImplementedError, sum, type Distribution } from 'latent';

/** Parameter values as fast-check generates them: numbers or nested arrays of numbers. */
export type ParameterValues = Record<string, number | number[] | number[][] | number[][][]>;

/**
 * A family of distributions for the conformance kit: how to generate its
 * parameters and how to build a distribution from them.
 */
export interface DistributionFamily {
  /** Shown in failure messages. */
  name: string;
  /** fast-check arbitrary of parameter records (every value a number or nested array of numbers). */
  parameters: fc.Arbitrary<ParameterValues>;
  /**
   * Builds a distribution from the parameters, given as tensors (tf.Variables,
   * so that the kit can check rsample gradients).
   */
  create(parameters: Record<string, tf.Tensor>): Distribution;
  /**
   * How `prob` must normalise: `'continuous'` (scalar events: its integral
   * over `integrationRange`, by default mean ± 12 standard deviations, is 1),
   * `'discrete'` (the sum over `supportValues` is 1), or `'skip'`.
   */
  normalisation: 'continuous' | 'discrete' | 'skip';
  /** For `'discrete'`: every value of the support. */
  supportValues?: (distribution: Distribution) => number[];
  /** For `'continuous'`: where the density lives, per batch member ([lows, highs]). */
  integrationRange?: (distribution: Distribution, parameters: ParameterValues) => [number[], number[]];
}

/** Options of {@link conformanceChecks}. */
export interface ConformanceOptions {
  /** Parameter draws per property (default 8). */
  numRuns?: number;
  /** fast-check's seed, and the root of the samplers' seeds (default 1). */
  seed?: number;
  /** Draws for the statistical checks (default 20 000). */
  numSamples?: number;
}

/**
 * The properties every `Distribution` must satisfy, as named async checks
 * to register with any test runner. Each runs a fast-check property over the
 * family's parameters and throws on a counterexample:
 *
 * - `sample shapes`: `sample(s)` is `s ++ batchShape ++ eventShape`, `logProb` of it is `s ++ batchShape`;
 * - `same seed, same samples`;
 * - `sample moments`: sample mean and variance agree with `mean()`/`variance()` within 6 standard errors (skipped where either has no closed form);
 * - `normalisation`: `prob` integrates (Simpson's rule, 4001 points; tolerance 2e-3) or sums (tolerance 1e-5) to 1;
 * - `logProb finite on samples`;
 * - `rsample gradients finite` (where `hasRsample`);
 * - `detach keeps values and stops gradients` (where `detach` is implemented);
 * - `kl(p, p) = 0`, `kl(p, q) >= 0` and `closed-form kl agrees with klMonteCarlo` within 6 standard errors (where a KL is registered).
 *
 * @example
 * ```ts
 * import { conformanceChecks } from 'latent/testing';
 * const family = {
 *   name: 'Exponential',
 *   parameters: fc.record({ rate: fc.double({ min: 0.1, max: 10, noNaN: true }) }),
 *   create: ({ rate }) => new Exponential(rate),
 *   normalisation: 'continuous',
 *   integrationRange: () => [[0], [200]],
 * };
 * for (const [name, check] of Object.entries(conformanceChecks(family))) it(name, check);
 * ```
 */
export function conformanceChecks(family: DistributionFamily, options: ConformanceOptions = {}): Record<string, () => Promise<void>> {
  const { numRuns = 8, seed = 1, numSamples = 20_000 } = options;
  const run = (check: (p: Distribution, q: Distribution, variables: tf.Variable[], parameters: ParameterValues) => Promise<void>) => async () => {
    const property = fc.asyncProperty(family.parameters, family.parameters, async (a, b) => {
      const varsA = toVariables(a);
      const varsB = toVariables(b);
      const p = family.create(varsA);
      const q = family.create(varsB);
      try {
        await check(p, q, Object.values(varsA), a);
      } finally {
        p.dispose();
        q.dispose();
        for (const v of [...Object.values(varsA), ...Object.values(varsB)]) v.dispose();
      }
    });
    await fc.assert(property, { numRuns, seed, includeErrorInReport: true });
  };
  const fail = (what: string, detail: string) => new LatentError(`${family.name} conformance: ${what}: ${detail}`);

  return {
    'sample shapes': run(async (p) => {
      for (const shape of [[], [3], [2, 2]]) {
        const x = p.sample(shape, { seed });
        const logProb = p.logProb(x);
        const want = [...shape, ...p.batchShape, ...p.eventShape];
        const wantLogProb = [...shape, ...p.batchShape];
        x.dispose();
        await read(logProb); // waits for the device: Dawn in Node crashes when too much work queues up unawaited
        if (!sameShape(x.shape, want)) throw fail('sample shape', `sample(${JSON.stringify(shape)}) has shape [${x.shape}], expected [${want}]`);
        if (!sameShape(logProb.shape, wantLogProb)) throw fail('logProb shape', `[${logProb.shape}], expected [${wantLogProb}]`);
      }
    }),

    'same seed, same samples': run(async (p) => {
      const a = await read(p.sample(5, { seed: seed + 1 }));
      const b = await read(p.sample(5, { seed: seed + 1 }));
      if (!a.every((v, i) => Object.is(v, b[i]))) throw fail('same seed', 'two draws with one seed differ');
    }),

    'sample moments': run(async (p) => {
      const moments = closedFormMoments(p);
      if (moments === undefined) return;
      const x = p.sample(numSamples, { seed: seed + 2 });
      const [sampleMean, sampleVar, fourth] = tf.tidy(() => {
        const average = (t: tf.Tensor) => tf.div(sum(t, 0), numSamples);
        const m = average(x);
        const centred = tf.sub(x, m);
        return [m, average(tf.square(centred)), average(tf.pow(centred, 4))];
      });
      x.dispose();
      const [mean, variance, mHat, vHat, m4] = (await Promise.all([moments.mean, moments.variance, sampleMean, sampleVar, fourth].map(read))) as [
        number[],
        number[],
        number[],
        number[],
        number[],
      ];
      for (let i = 0; i < mean.length; i++) {
        const v = variance[i] as number;
        const meanBound = 6 * Math.sqrt(v / numSamples) + 1e-5 * (1 + Math.abs(mean[i] as number));
        if (!(Math.abs((mHat[i] as number) - (mean[i] as number)) <= meanBound)) {
          throw fail('sample mean', `index ${i}: ${mHat[i]} vs mean() ${mean[i]} (bound ${meanBound})`);
        }
        const varBound = 6 * Math.sqrt(Math.max((m4[i] as number) - (vHat[i] as number) ** 2, 0) / numSamples) + 1e-4 * (1 + v);
        if (!(Math.abs((vHat[i] as number) - v) <= varBound)) {
          throw fail('sample variance', `index ${i}: ${vHat[i]} vs variance() ${v} (bound ${varBound})`);
        }
      }
    }),

    normalisation: run(async (p, _q, _variables, parameters) => {
      if (family.normalisation === 'skip') return;
      if (family.normalisation === 'discrete') {
        const support = family.supportValues?.(p) ?? [];
        const total = await read(tf.tidy(() => tf.sum(p.prob(tf.reshape(support, [support.length, ...p.batchShape.map(() => 1)])), 0)));
        total.forEach((t, i) => {
          if (!(Math.abs(t - 1) <= 1e-5)) throw fail('prob sums to 1', `batch member ${i}: ${t}`);
        });
        return;
      }
      if (p.eventShape.length !== 0) throw fail('normalisation', "'continuous' is checked for scalar events only; use 'skip'");
      const [lows, highs] = family.integrationRange?.(p, parameters) ?? (await defaultRange(p));
      const points = 4001;
      const totals = await read(
        tf.tidy(() => {
          const low = tf.reshape(lows, [...p.batchShape]);
          const width = tf.sub(tf.reshape(highs, [...p.batchShape]), low);
          const fractions = Array.from({ length: points }, (_, i) => i / (points - 1));
          const steps = tf.reshape(fractions, [points, ...p.batchShape.map(() => 1)]);
          const grid = tf.add(low, tf.mul(width, steps));
          const density = p.prob(grid);
          // Simpson's rule: weights 1, 4, 2, 4, …, 4, 1 times h/3.
          const weights = fractions.map((_, i) => (i === 0 || i === points - 1 ? 1 : i % 2 === 1 ? 4 : 2));
          const integral = sum(tf.mul(density, tf.reshape(weights, [points, ...p.batchShape.map(() => 1)])), 0);
          return tf.mul(integral, tf.div(width, 3 * (points - 1)));
        }),
      );
      totals.forEach((t, i) => {
        if (!(Math.abs(t - 1) <= 2e-3)) throw fail('prob integrates to 1', `batch member ${i}: ${t}`);
      });
    }),

    'logProb finite on samples': run(async (p) => {
      const values = await read(tf.tidy(() => p.logProb(p.sample(64, { seed: seed + 3 }))));
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw fail('logProb of a sample', `${values[bad]} at flat index ${bad}`);
    }),

    'rsample gradients finite': run(async (p, _q, variables) => {
      if (!p.hasRsample) return;
      const { grads, value } = tf.variableGrads(() => tf.sum(p.rsample(16, { seed: seed + 4 })) as tf.Scalar, variables);
      const all = await Promise.all(Object.values(grads).map(read));
      value.dispose();
      if (all.length === 0) throw fail('rsample gradients', 'rsample depends on no parameter');
      if (!all.flat().every(Number.isFinite)) throw fail('rsample gradients', 'a gradient is not finite');
    }),

    'detach keeps values and stops gradients': run(async (p, _q, variables) => {
      let detached: Distribution;
      try {
        detached = p.detach();
      } catch (e) {
        if (e instanceof NotImplementedError) return;
        throw e;
      }
      const x = p.sample(8, { seed: seed + 6 });
      // tfjs-backend-webgpu can round a program's first run differently from later runs of the
      // same program (seen: 1 ulp): compare steady-state values.
      await read(p.logProb(x));
      const [same, original] = await Promise.all([read(detached.logProb(x)), read(p.logProb(x))]);
      const vanish = await gradientsVanish(() => tf.sum(detached.logProb(x)) as tf.Scalar, variables);
      x.dispose();
      if (!same.every((v, i) => Object.is(v, original[i]))) throw fail('detach', 'logProb changed');
      if (!vanish) {
        throw fail('detach', 'a gradient flows through the detached parameters');
      }
    }),

    'kl(p, p) = 0': run(async (p) => {
      const values = await klOrSkip(() => kl(p, p));
      const bad = values?.findIndex((v) => !(Math.abs(v) <= 1e-5)) ?? -1;
      if (bad >= 0) throw fail('kl(p, p)', `${values?.[bad]} at flat index ${bad}`);
    }),

    'kl(p, q) >= 0': run(async (p, q) => {
      const values = await klOrSkip(() => kl(p, q));
      const bad = values?.findIndex((v) => !(v >= -1e-5)) ?? -1;
      if (bad >= 0) throw fail('kl(p, q)', `${values?.[bad]} at flat index ${bad}`);
    }),

    'closed-form kl agrees with klMonteCarlo': run(async (p, q) => {
      const closed = await klOrSkip(() => kl(p, q));
      if (closed === undefined || !closed.every(Number.isFinite)) return;
      const estimate = await read(klMonteCarlo(p, q, { numSamples, seed: seed + 5 }));
      // The standard error of that estimate, from the same draws.
      const spread = await read(
        tf.tidy(() => {
          const x = p.sample(numSamples, { seed: seed + 5 });
          const ratio = tf.sub(p.logProb(x), q.logProb(x));
          return tf.sqrt(tf.div(sum(tf.square(tf.sub(ratio, tf.div(sum(ratio, 0), numSamples))), 0), numSamples));
        }),
      );
      closed.forEach((c, i) => {
        const bound = (6 * (spread[i] as number)) / Math.sqrt(numSamples) + 1e-4 * (1 + Math.abs(c));
        if (!(Math.abs(c - (estimate[i] as number)) <= bound)) {
          throw fail('kl vs klMonteCarlo', `index ${i}: closed form ${c}, Monte Carlo ${estimate[i]} (bound ${bound})`);
        }
      });
    }),
  };
}

function toVariables(values: ParameterValues): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tidy(() => tf.variable(tf.tensor(v, undefined, 'float32')))]));
}

/** Whether the gradient of `f` with respect to `variables` is zero (or not connected at all). */
async function gradientsVanish(f: () => tf.Scalar, variables: tf.Variable[]): Promise<boolean> {
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(f, variables);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('Cannot find a connection')) return true;
    throw e;
  }
  result.value.dispose();
  const all = await Promise.all(Object.values(result.grads).map(read));
  return all.flat().every((g) => g === 0);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

async function read(t: tf.Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

function closedFormMoments(p: Distribution): { mean: tf.Tensor; variance: tf.Tensor } | undefined {
  try {
    const mean = p.mean();
    try {
      return { mean, variance: p.variance() };
    } catch (e) {
      mean.dispose();
      throw e;
    }
  } catch (e) {
    if (e instanceof NotImplementedError) return undefined;
    throw e;
  }
}

async function defaultRange(p: Distribution): Promise<[number[], number[]]> {
  const mean = await read(p.mean());
  const sd = await read(p.stddev());
  return [mean.map((m, i) => m - 12 * (sd[i] as number)), mean.map((m, i) => m + 12 * (sd[i] as number))];
}

async function klOrSkip(compute: () => tf.Tensor): Promise<number[] | undefined> {
  try {
    return await read(compute());
  } catch (e) {
    if (e instanceof LatentError && e.message.startsWith('kl: no KL divergence')) return undefined;
    throw e;
  }
}
