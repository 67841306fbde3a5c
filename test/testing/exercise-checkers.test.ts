// The exercise checkers must pass a correct answer and fail each typical wrong one with the law it
// breaks and an explanation that names the mistake — a checker that passes everything would be useless.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logSumExp, setBackend, ValidationError, type Distribution, type Normal } from 'latent';
import { checkEStep, checkImportanceSampling, checkIwae, checkKL, type ExerciseReport } from 'latent/testing';
import { expectNoLeak } from '../helpers/no-leak';

beforeAll(async () => {
  await setBackend('cpu');
});

/** The report failed, first at `law`, and its explanation matches `why`. */
function expectFailure(report: ExerciseReport, law: RegExp, why: RegExp): void {
  expect(report.passed, report.summary).toBe(false);
  const failure = report.checks.find((c) => !c.passed)!;
  expect(failure.law).toMatch(law);
  expect(failure.explanation).toMatch(why);
  expect(report.summary).toContain(`✗ ${failure.law}`);
}

type LogJoint = (z: tf.Tensor) => tf.Tensor;
const logWeights = (logJoint: LogJoint, q: Distribution, k: number) => {
  const z = q.sample([k]);
  return tf.sub(logJoint(z), q.logProb(z));
};

describe('checkIwae', () => {
  const right = (logJoint: LogJoint, q: Distribution, k: number) => tf.sub(logSumExp(logWeights(logJoint, q, k)), Math.log(k));

  it('passes a correct IWAE and frees the tensors the student made', async () => {
    const report = await checkIwae(right, { repetitions: 200 });
    expect(report.passed, report.summary).toBe(true);
    expect(report.checks).toHaveLength(5);
    await expectNoLeak(() => checkIwae(right, { repetitions: 20 }), { warmup: 1 });
  });

  it('catches a sum instead of an average (log k too high)', async () => {
    const report = await checkIwae((logJoint, q, k) => logSumExp(logWeights(logJoint, q, k)), { repetitions: 50 });
    expectFailure(report, /exact when q is the posterior/, /you summed the 5 weights/);
  });

  it('catches log(mean(exp(·))) without the log-sum-exp trick', async () => {
    const naive = (logJoint: LogJoint, q: Distribution, k: number) => tf.log(tf.mean(tf.exp(logWeights(logJoint, q, k))));
    const report = await checkIwae(naive, { repetitions: 50 });
    expectFailure(report, /stays finite/, /-Infinity: exp of log-weights near -485.* underflows to 0 in float32/);
  });

  it('catches the ELBO passed off as IWAE (log-weights averaged)', async () => {
    const report = await checkIwae((logJoint, q, k) => tf.mean(logWeights(logJoint, q, k)), { repetitions: 300 });
    expectFailure(report, /IWAE_10 matches the reference/, /That is the ELBO: you averaged the log-weights/);
  });

  it('catches the log q(z) term added instead of subtracted', async () => {
    const wrongSign = (logJoint: LogJoint, q: Distribution, k: number) => {
      const z = q.sample([k]);
      return tf.sub(logSumExp(tf.add(logJoint(z), q.logProb(z))), Math.log(k));
    };
    const report = await checkIwae(wrongSign, { repetitions: 50 });
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.law.startsWith('exact'))!.passed).toBe(false);
  });

  it('explains a wrong shape, a missing return and a fixed seed', async () => {
    expectFailure(await checkIwae((logJoint, q, k) => logWeights(logJoint, q, k), { repetitions: 10 }), /returns one number/, /shape \[5\] \(5 numbers\)/);
    expectFailure(await checkIwae((() => undefined) as never, { repetitions: 10 }), /returns one number/, /forget `return`/);
    const seeded = (logJoint: LogJoint, q: Distribution, k: number) => {
      const z = q.sample([k], { seed: 3 });
      return tf.sub(logSumExp(tf.sub(logJoint(z), q.logProb(z))), Math.log(k));
    };
    expectFailure(await checkIwae(seeded, { repetitions: 10 }), /IWAE_1 is the ELBO/, /no fixed seed/);
  });

  it('reports a student function that throws, and refuses a non-function with a ValidationError', async () => {
    const report = await checkIwae(() => { throw new Error('oops'); }, { repetitions: 5 });
    expect(report.checks.every((c) => !c.passed && /your function threw: oops/.test(c.explanation!))).toBe(true);
    await expect(checkIwae(42 as never)).rejects.toThrow(ValidationError);
    await expect(checkIwae(42 as never)).rejects.toThrow(/checkIwae: myIwae must be the function to check/);
  });
});

describe('checkImportanceSampling', () => {
  const right = (logJoint: LogJoint, q: Distribution, n: number) => tf.sub(logSumExp(logWeights(logJoint, q, n)), Math.log(n));

  it('passes a correct estimator', async () => {
    const report = await checkImportanceSampling(right, { repetitions: 300 });
    expect(report.passed, report.summary).toBe(true);
  });

  it('catches averaging log-weights (biased low: the ELBO)', async () => {
    const report = await checkImportanceSampling((logJoint, q, n) => tf.mean(logWeights(logJoint, q, n)), { repetitions: 300 });
    expectFailure(report, /unbiased/, /average the ELBO/);
  });

  it('catches returning p(x) instead of log p(x), and weights without q(z)', async () => {
    const probability = (logJoint: LogJoint, q: Distribution, n: number) => tf.exp(right(logJoint, q, n));
    expectFailure(await checkImportanceSampling(probability, { repetitions: 20 }), /exact when the proposal/, /That is p\(x\) itself/);
    const noProposal = (logJoint: LogJoint, q: Distribution, n: number) => tf.sub(logSumExp(logJoint(q.sample([n]))), Math.log(n));
    expectFailure(await checkImportanceSampling(noProposal, { repetitions: 20 }), /exact when the proposal/, /must be log p\(x\)/);
  });
});

describe('checkKL', () => {
  const right = (p: Normal, q: Normal) => {
    const ratio = tf.div(p.scale, q.scale);
    return tf.add(tf.sub(tf.mul(0.5, tf.add(tf.square(ratio), tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale)))), 0.5), tf.neg(tf.log(ratio)));
  };

  it('passes the closed form, with or without tensors', async () => {
    expect((await checkKL(right)).passed).toBe(true);
    const plain = async (p: Normal, q: Normal) => {
      const [m1, s1, m2, s2] = (await Promise.all([p.loc.data(), p.scale.data(), q.loc.data(), q.scale.data()])).map((d) => d[0]!) as [number, number, number, number];
      return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
    };
    const report = await checkKL(plain);
    expect(report.passed, report.summary).toBe(true);
    expect(report.summary).toMatch(/^KL divergence: all 4 checks passed\./);
  });

  it('catches the arguments the wrong way round, with a shrunk counterexample', async () => {
    const report = await checkKL((p, q) => right(q, p));
    expectFailure(report, /equals the closed form/, /That is KL\(q ‖ p\)/);
    expect(report.checks.filter((c) => !c.passed)).toHaveLength(1); // KL(q‖p) is still 0 at p = q and ≥ 0
  });

  it('catches variances used where scales belong, and a negative answer', async () => {
    const variances = (p: Normal, q: Normal) => {
      const ratio = tf.div(tf.square(p.scale), tf.square(q.scale));
      return tf.add(tf.sub(tf.mul(0.5, tf.add(tf.square(ratio), tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale)))), 0.5), tf.neg(tf.log(ratio)));
    };
    expectFailure(await checkKL(variances), /equals the closed form/, /KL\(p ‖ q\) = log/);
    const report = await checkKL((p, q) => tf.neg(right(p, q)));
    expectFailure(report, /KL\(p, q\) ≥ 0/, /never negative/);
  });
});

describe('checkEStep', () => {
  const right = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => {
    const z = tf.div(tf.sub(tf.expandDims(x, 1), means), scales);
    const logJoint = tf.sub(tf.sub(tf.log(weights), tf.log(scales)), tf.add(tf.mul(0.5, tf.square(z)), 0.5 * Math.log(2 * Math.PI)));
    return tf.exp(tf.sub(logJoint, logSumExp(logJoint, 1, true)));
  };

  it('passes a correct E-step', async () => {
    const report = await checkEStep(right);
    expect(report.passed, report.summary).toBe(true);
  });

  it('catches normalising in probability space (NaN far from the components)', async () => {
    const naive = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => {
      const z = tf.div(tf.sub(tf.expandDims(x, 1), means), scales);
      const joint = tf.mul(tf.div(weights, scales), tf.exp(tf.mul(-0.5, tf.square(z))));
      return tf.div(joint, tf.sum(joint, 1, true));
    };
    const report = await checkEStep(naive);
    expectFailure(report, /posterior over components|stays finite/, /normalise in log space/);
  });

  it('catches forgotten weights, an unnormalised row, and the transposed answer', async () => {
    const noWeights = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => right(x, tf.onesLike(weights), means, scales);
    expectFailure(await checkEStep(noWeights), /posterior over components/, /responsibility of component/);
    const unnormalised = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => tf.mul(right(x, weights, means, scales), 2);
    expectFailure(await checkEStep(unnormalised), /probability vector/, /sums to 2/);
    const transposed = (x: tf.Tensor1D, weights: tf.Tensor1D, means: tf.Tensor1D, scales: tf.Tensor1D) => tf.transpose(right(x, weights, means, scales));
    expectFailure(await checkEStep(transposed), /one row of K responsibilities per point/, /shape \[2, 3\] \(6 numbers\); it should return the responsibilities: a tensor of shape \[3, 2\]/);
  });
});
