import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { EMError, expectationMaximization, logSumExp, sum, ValidationError } from '../../src/index';

// A 1-D mixture of K unit-variance normals with equal weights; EM estimates the means.
// The tf version below is compared with the same EM in float64 plain JS.

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

type State = { means: tf.Tensor };
type Posterior = { resp: tf.Tensor };

/** Deterministic float32 data: N(-2, 1) and N(3, 1) halves (mulberry32 + Box-Muller). */
function mixtureData(n: number, seed: number, centres = [-2, 3]): number[] {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return Array.from({ length: n }, (_, i) => {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    return Math.fround((centres[i % centres.length] as number) + z);
  });
}

/** E- and M-steps with tf ops for data x [N]. */
function gaussianMeansEM(x: tf.Tensor) {
  const eStep = async ({ means }: State) => {
    const k = means.shape[0] as number;
    const [logLik, resp] = tf.tidy(() => {
      const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(means, 0)); // [N, K]
      const logJoint = tf.sub(tf.mul(tf.square(diff), -0.5), HALF_LOG_2PI + Math.log(k));
      const logNorm = logSumExp(logJoint, 1, true); // [N, 1]
      return [tf.mean(logNorm), tf.exp(tf.sub(logJoint, logNorm))];
    });
    const logLikelihood = (await logLik.data())[0] as number;
    logLik.dispose();
    return { logLikelihood, posterior: { resp } };
  };
  const mStep = (_: State, { resp }: Posterior): State => ({
    means: tf.tidy(() => tf.div(sum(tf.mul(resp, tf.expandDims(x, 1)), 0), sum(resp, 0))),
  });
  return { eStep, mStep };
}

/** The same EM in float64: the means after `iterations` steps and the mean log-likelihood trace. */
function gaussianMeansEM64(x: readonly number[], init: readonly number[], iterations: number) {
  let means = [...init];
  const k = means.length;
  const trace: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const num = new Array<number>(k).fill(0);
    const den = new Array<number>(k).fill(0);
    let ll = 0;
    for (const xi of x) {
      const lj = means.map((m) => -0.5 * (xi - m) ** 2 - HALF_LOG_2PI - Math.log(k));
      const top = Math.max(...lj);
      const lse = top + Math.log(lj.reduce((s, v) => s + Math.exp(v - top), 0));
      ll += lse;
      lj.forEach((v, j) => {
        const r = Math.exp(v - lse);
        num[j] = (num[j] as number) + r * xi;
        den[j] = (den[j] as number) + r;
      });
    }
    trace.push(ll / x.length);
    means = num.map((v, j) => v / (den[j] as number));
  }
  return { means, trace };
}

describeEachBackend('expectationMaximization', () => {
  const data = mixtureData(200, 7);
  const init = [-0.5, 0.5];

  it('converges to the float64 maximum-likelihood means of a two-component mixture', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    const result = await expectationMaximization<State, Posterior>({ init: { means: tf.tensor1d(init) }, eStep, mStep, tol: 1e-7, maxIter: 500 });
    const reference = gaussianMeansEM64(data, init, 2000);
    // The float64 fixed point after 2000 iterations (changes below 1e-15 by then). Tolerance: the
    // means are weighted averages of 200 float32 values of size ~3 (rounding ~1e-6) and EM stops
    // when the mean log-likelihood changes by < 1e-7, leaving ~1e-5 of the linear convergence.
    expect(result.converged).toBe(true);
    const means = await values(result.state.means);
    means.forEach((m, j) => expect(Math.abs(m - (reference.means[j] as number))).toBeLessThan(1e-4));
    // The final log-likelihood: float32 mean of 200 terms of size ~2, 1e-6 relative.
    const last = result.logLikelihoods[result.logLikelihoods.length - 1] as number;
    const llRef = reference.trace[reference.trace.length - 1] as number;
    expect(Math.abs(last - llRef)).toBeLessThan(1e-5 * Math.abs(llRef));
    x.dispose();
  });

  it('never decreases the log-likelihood (fast-check over random data and K)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 5, maxLength: 60 }),
        fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 4 }),
        async (xs, start) => {
          const x = tf.tensor1d(xs);
          const { eStep, mStep } = gaussianMeansEM(x);
          const { state, logLikelihoods } = await expectationMaximization<State, Posterior>({ init: { means: tf.tensor1d(start) }, eStep, mStep, tol: 0, maxIter: 15 });
          tf.dispose(state);
          x.dispose();
          // Float32 noise in the mean of ≤ 60 terms of size ≤ 100: 2e-6 relative (the loop's own
          // check is 1e-5); a real decrease is far larger.
          for (let i = 1; i < logLikelihoods.length; i++) {
            const prev = logLikelihoods[i - 1] as number;
            expect(logLikelihoods[i] as number).toBeGreaterThanOrEqual(prev - 2e-6 * Math.max(1, Math.abs(prev)));
          }
        },
      ),
      { numRuns: 8, seed: 20240501 },
    );
  });

  it('stops on tol (converged) or on maxIter (not converged), reporting every iteration', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    const reports: { iteration: number; logLikelihood: number; change: number }[] = [];
    const loose = await expectationMaximization<State, Posterior>({ init: { means: tf.tensor1d(init) }, eStep, mStep, tol: 1e-2, maxIter: 100, onIteration: (p) => reports.push(p) });
    expect(loose.converged).toBe(true);
    expect(loose.iterations).toBeGreaterThan(1);
    expect(loose.iterations).toBeLessThan(100);
    expect(loose.logLikelihoods).toHaveLength(loose.iterations);
    expect(reports.map((r) => r.iteration)).toEqual(Array.from({ length: loose.iterations }, (_, i) => i + 1));
    expect(reports.map((r) => r.logLikelihood)).toEqual(loose.logLikelihoods);
    expect(reports[0]?.change).toBe(Infinity);
    reports.slice(1).forEach((r, i) => expect(r.change).toBe(r.logLikelihood - (loose.logLikelihoods[i] as number)));
    expect(Math.abs(reports[reports.length - 1]?.change as number)).toBeLessThan(1e-2);
    tf.dispose(loose.state);

    const capped = await expectationMaximization<State, Posterior>({ init: { means: tf.tensor1d(init) }, eStep, mStep, tol: 0, maxIter: 3 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
    expect(capped.logLikelihoods).toHaveLength(3);
    tf.dispose(capped.state);
    x.dispose();
  });

  it('stops when the AbortSignal is aborted, rejecting with its reason before the next iteration', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    let eSteps = 0;
    const run = expectationMaximization<State, Posterior>({
      init: { means: tf.tensor1d(init) },
      eStep: (s) => {
        eSteps++;
        return eStep(s);
      },
      mStep,
      tol: 0,
      maxIter: 50,
      onIteration: ({ iteration }) => {
        if (iteration === 2) controller.abort(reason);
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toBe(reason);
    expect(eSteps).toBe(2);
    x.dispose();
  });

  it('raises EMError naming the iteration when an M-step lowers the likelihood, keeping the state', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    let mSteps = 0;
    const run = expectationMaximization<State, Posterior>({
      init: { means: tf.tensor1d(init) },
      eStep,
      // The third M-step moves both means far from the data: the fourth E-step sees the decrease.
      mStep: (s, p) => (++mSteps === 3 ? { means: tf.tensor1d([40, 50]) } : mStep(s, p)),
      tol: 0,
      maxIter: 20,
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EMError);
    expect((error as EMError).message).toMatch(/^expectationMaximization: the log-likelihood decreased from -?[\d.]+ to -?[\d.]+ at iteration 4; EM never decreases it, so an E- or M-step is wrong$/);
    // `.state` is the last good state: the one whose E-step (iteration 3) passed, before the bad M-step.
    const state = (error as EMError<State>).state;
    const means = await values(state.means);
    expect(means.every((m) => Math.abs(m) < 10)).toBe(true);
    x.dispose();
  });

  it('frees the current state when the signal aborts', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    const controller = new AbortController();
    await expectNoLeak(async () => {
      const run = expectationMaximization<State, Posterior>({
        init: { means: tf.tensor1d(init) },
        eStep,
        mStep,
        tol: 0,
        onIteration: ({ iteration }) => {
          if (iteration === 3) controller.abort();
        },
        signal: controller.signal,
      });
      await expect(run).rejects.toThrow();
    });
    x.dispose();
  });

  it('raises EMError on a NaN log-likelihood', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    let eSteps = 0;
    const error = await expectationMaximization<State, Posterior>({
      init: { means: tf.tensor1d(init) },
      eStep: async (s) => {
        const r = await eStep(s);
        return ++eSteps === 2 ? { ...r, logLikelihood: NaN } : r;
      },
      mStep,
      tol: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EMError);
    expect((error as EMError).message).toBe('expectationMaximization: the log-likelihood is NaN at iteration 2');
    tf.dispose((error as EMError<State>).state);
    x.dispose();
  });

  it('rejects bad options with exact messages', async () => {
    const means = tf.tensor1d(init);
    const { eStep, mStep } = gaussianMeansEM(means);
    await expect(expectationMaximization<State, Posterior>({ init: { means }, eStep, mStep, maxIter: -1 })).rejects.toThrow(
      new ValidationError('expectationMaximization', 'maxIter', 'be a non-negative integer', -1),
    );
    await expect(expectationMaximization<State, Posterior>({ init: { means }, eStep, mStep, maxIter: 1.5 })).rejects.toThrow(
      'expectationMaximization: maxIter must be a non-negative integer (got 1.5)',
    );
    // maxIter 0 hands back the initial state untouched (scikit-learn's max_iter=0).
    const unchanged = await expectationMaximization<State, Posterior>({ init: { means }, eStep, mStep, maxIter: 0 });
    expect(unchanged.state.means).toBe(means);
    expect([unchanged.iterations, unchanged.converged, unchanged.logLikelihoods]).toEqual([0, false, []]);
    await expect(expectationMaximization<State, Posterior>({ init: { means }, eStep, mStep, tol: -1 })).rejects.toThrow(
      'expectationMaximization: tol must be non-negative (got -1)',
    );
    await expect(expectationMaximization<State, Posterior>({ init: { means }, eStep, mStep, tol: -1 })).rejects.toBeInstanceOf(ValidationError);
    means.dispose();
  });

  it('keeps the tensor count flat over a whole run and yields to the event loop', async () => {
    const x = tf.tensor1d(data);
    const { eStep, mStep } = gaussianMeansEM(x);
    const runOnce = () => expectationMaximization<State, Posterior>({ init: { means: tf.tensor1d(init) }, eStep, mStep, tol: 0, maxIter: 10 });
    tf.dispose((await runOnce()).state); // warm-up
    const before = tf.memory().numTensors;
    // A macrotask queued before the run runs during it: the loop yields to the event loop, not only to microtasks.
    let macrotaskRan = false;
    setImmediate(() => {
      macrotaskRan = true;
    });
    const result = await runOnce();
    expect(macrotaskRan, 'a macrotask queued before the run runs during it').toBe(true);
    expect(result.iterations).toBe(10);
    expect(tf.memory().numTensors).toBe(before + 1); // only the final means
    tf.dispose(result.state);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
