import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { kl, MultivariateNormalDiag, ShapeError, splitSeed, ValidationError } from '../../src/index';
import { elbo, elboTerms, importanceSampling, iwae, naiveMonteCarlo } from '../../src/estimators/index';
import { logImportanceWeights } from '../../src/estimators/log-weights';
import { diagonalQ, exactLogEvidence, exactPosterior, logJoint, logLikelihood, MODEL, posteriorQ, prior } from './linear-gaussian';

const N = MODEL.x.length;
const DZ = MODEL.W[0]!.length;
const EXACT = exactLogEvidence(MODEL);
const POST = exactPosterior(MODEL);
const POST_SD = POST.cov.map((row, i) => Math.sqrt(row[i]!));

/** A broad proposal: the posterior mean, twice the posterior marginal sd (weights bounded, finite variance). */
const broadQ = () => diagonalQ(POST.mean, POST.mean.map(() => POST_SD.map((s) => 2 * s)));
/** A deliberately imperfect q: shifted mean, 1.3× the marginal sd, no correlation. */
const offQ = () => diagonalQ(POST.mean.map((m) => m.map((v, j) => v + (j === 0 ? 0.3 : -0.2))), POST.mean.map(() => POST_SD.map((s) => 1.3 * s)));
/** N(0, I) as a MultivariateNormalDiag with batchShape [N]: kl(q, prior) has a closed form. */
const mvnPrior = () => new MultivariateNormalDiag({ loc: tf.zeros([N, DZ]), scaleDiag: tf.ones([N, DZ]) });

/** Per-data-point mean and standard error of the mean of an [S, N] array read row-major. */
function meanAndSe(flat: number[], s: number): { mean: number[]; se: number[] } {
  const mean: number[] = [];
  const se: number[] = [];
  for (let n = 0; n < N; n++) {
    let m = 0;
    for (let i = 0; i < s; i++) m += flat[i * N + n]!;
    m /= s;
    let v = 0;
    for (let i = 0; i < s; i++) v += (flat[i * N + n]! - m) ** 2;
    mean.push(m);
    se.push(Math.sqrt(v / (s - 1) / s));
  }
  return { mean, se };
}

function expectWithin(actual: number[], expected: number[], bound: number[], what: string): void {
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `${what} [${i}]: ${a} vs ${expected[i]} ± ${bound[i]}`).toBeLessThanOrEqual(bound[i]!));
}

describeEachBackend('importanceSampling', (backend) => {
  // float32 sums of terms up to ~10 cancelling to log p(x) ≈ -4: 1e-5 relative (2e-5 on webgpu), as in linear-gaussian.test.ts.
  const rtol = backend === 'webgpu' ? 2e-5 : 1e-5;

  it('with the exact posterior as proposal returns log p(x) for every seed; weights uniform, ESS = S', async () => {
    const q = posteriorQ(MODEL);
    const S = 64;
    for (const seed of [1, 2, 3]) {
      const r = importanceSampling({ logJoint: logJoint(MODEL), proposal: q, numSamples: S, seed });
      expect(r.logWeights.shape).toEqual([S, N]);
      expect(r.weights.shape).toEqual([S, N]);
      expect(r.logEvidence.shape).toEqual([N]);
      expect(r.effectiveSampleSize.shape).toEqual([N]);
      expectClose(await values(r.logEvidence), EXACT, { rtol });
      // log-weights equal to ~4e-5 absolute: weights 1/S and ESS = S within 1e-4 relative.
      expectClose(await values(r.weights), new Array(S * N).fill(1 / S), { rtol: 1e-4 });
      expectClose(await values(r.effectiveSampleSize), new Array(N).fill(S), { rtol: 1e-4 });
      r.logWeights.dispose();
    }
    q.dispose();
  });

  it('is reproducible with a seed, and its weights sum to 1', async () => {
    const q = broadQ();
    const a = importanceSampling({ logJoint: logJoint(MODEL), proposal: q, numSamples: 50, seed: 9 });
    const b = importanceSampling({ logJoint: logJoint(MODEL), proposal: q, numSamples: 50, seed: 9 });
    expect(await values(a.logWeights)).toEqual(await values(b.logWeights));
    const total = tf.sum(a.weights, 0);
    expectClose(await values(total), new Array(N).fill(1), { atol: 1e-5 });
    const ess = await values(a.effectiveSampleSize);
    ess.forEach((e) => expect(e >= 1 && e <= 50 * (1 + 1e-5)).toBe(true));
    tf.dispose([a, b]);
    q.dispose();
  });

  it('naive MC and IS with a broad proposal converge to log p(x) like 1/√S', async () => {
    const p = prior(MODEL);
    const q = broadQ();
    const ses: Record<string, number[][]> = { naive: [], is: [] };
    for (const [S, seed] of [[1000, 11], [100_000, 12]] as const) {
      // Naive MC is importance sampling with the prior as proposal: same draws for the same seed, so its
      // delta-method standard error sqrt(1/ESS − 1/S) comes from importanceSampling with proposal = prior.
      const naive = await values(naiveMonteCarlo({ prior: p, logLikelihood: logLikelihood(MODEL), numSamples: S, seed }));
      const viaPrior = importanceSampling({ logJoint: logJoint(MODEL), proposal: p, numSamples: S, seed });
      expectClose(naive, await values(viaPrior.logEvidence), { atol: 1e-4 });
      const seNaive = (await values(viaPrior.effectiveSampleSize)).map((e) => Math.sqrt(Math.max(1 / e - 1 / S, 0)));
      tf.dispose(viaPrior);
      // 6 estimated standard errors (+1e-4 for float32 rounding of the log-mean-exp at S = 1e5).
      expectWithin(naive, EXACT, seNaive.map((s) => 6 * s + 1e-4), `naive MC, S = ${S}`);
      const is = importanceSampling({ logJoint: logJoint(MODEL), proposal: q, numSamples: S, seed });
      const seIs = (await values(is.effectiveSampleSize)).map((e) => Math.sqrt(Math.max(1 / e - 1 / S, 0)));
      expectWithin(await values(is.logEvidence), EXACT, seIs.map((s) => 6 * s + 1e-4), `IS, S = ${S}`);
      tf.dispose(is);
      ses.naive!.push(seNaive);
      ses.is!.push(seIs);
    }
    // The standard error shrinks like 1/√S: 100× the draws, 10× smaller (asserted: at least 5×).
    for (const key of ['naive', 'is']) {
      const [small, large] = ses[key]!;
      small!.forEach((s, i) => expect(large![i]!, `${key} [${i}]`).toBeLessThan(s / 5));
    }
    p.dispose();
    q.dispose();
  });

  it('is unbiased for p(x): the mean of exp(logEvidence − log p(x)) over seeds is 1', async () => {
    const q = broadQ();
    const seeds = splitSeed(21, 200);
    const estimates = tf.stack(seeds.map((seed) => tf.tidy(() => {
      const r = importanceSampling({ logJoint: logJoint(MODEL), proposal: q, numSamples: 8, seed });
      return tf.exp(tf.sub(r.logEvidence, tf.tensor1d(EXACT)));
    })));
    const ratios = await values(estimates);
    const { mean, se } = meanAndSe(ratios, seeds.length);
    // 6 standard errors of the mean over 200 independent seeds.
    expectWithin(mean, new Array(N).fill(1), se.map((s) => 6 * s), 'mean p̂(x)/p(x)');
    q.dispose();
  });
});

describeEachBackend('elbo, iwae and elboTerms', (backend) => {
  const rtol = backend === 'webgpu' ? 2e-5 : 1e-5;

  it('the ELBO and every IWAE_k of the exact posterior equal log p(x)', async () => {
    const q = posteriorQ(MODEL);
    expectClose(await values(elbo({ logJoint: logJoint(MODEL), q, numSamples: 32, seed: 3 })), EXACT, { rtol });
    for (const k of [1, 5, 50]) expectClose(await values(iwae({ logJoint: logJoint(MODEL), q, k, numSamples: 2 * k, seed: 4 })), EXACT, { rtol });
    const pz = mvnPrior();
    const terms = elboTerms({ logLikelihood: logLikelihood(MODEL), prior: pz, q, numSamples: 32, seed: 5, logEvidence: EXACT });
    expectClose(await values(terms.elbo), EXACT, { rtol });
    // posteriorGap = log p(x) − elbo: float32 cancellation of two values ≈ 4, so 1e-4 absolute.
    expectClose(await values(terms.posteriorGap!), new Array(N).fill(0), { atol: 1e-4 });
    tf.dispose(terms);
    q.dispose();
    pz.dispose();
  });

  it('ELBO(q) = log p(x) − KL(q ‖ p(z|x)) for a diagonal Gaussian q; the analytic-KL form and the three decompositions agree', async () => {
    const q = offQ();
    const post = posteriorQ(MODEL);
    const pz = mvnPrior();
    const gap = await values(kl(q, post));
    const trueElbo = EXACT.map((e, i) => e - gap[i]!);
    const S = 20_000;
    const seed = 6;
    // The same draws as elbo/elboTerms with this seed (q.rsample(S, { seed })), for the standard errors.
    const z = q.rsample(S, { seed });
    const logLik = tf.tidy(() => logLikelihood(MODEL)(z));
    const joint = tf.tidy(() => tf.add(pz.logProb(z), logLik));
    const logW = tf.tidy(() => tf.sub(joint, q.logProb(z)));
    const stats = { logLik: meanAndSe(await values(logLik), S), joint: meanAndSe(await values(joint), S), logW: meanAndSe(await values(logW), S) };
    z.dispose();

    const direct = await values(elbo({ logJoint: logJoint(MODEL), q, numSamples: S, seed }));
    const analytic = await values(elbo({ logLikelihood: logLikelihood(MODEL), prior: pz, q, analyticKL: true, numSamples: S, seed }));
    const terms = elboTerms({ logLikelihood: logLikelihood(MODEL), prior: pz, q, numSamples: S, seed, logEvidence: tf.tensor1d(EXACT) });
    const t = {
      elbo: await values(terms.elbo),
      expectedLogJoint: await values(terms.expectedLogJoint),
      entropy: await values(terms.entropy),
      expectedLogLikelihood: await values(terms.expectedLogLikelihood),
      kl: await values(terms.kl),
      posteriorGap: await values(terms.posteriorGap!),
    };
    // Each Monte-Carlo estimate within 6 of its standard errors (+1e-4 for float32 sums) of the exact value.
    const bound = (se: number[]) => se.map((s) => 6 * s + 1e-4);
    expectWithin(direct, trueElbo, bound(stats.logW.se), 'elbo({ logJoint })');
    expectWithin(analytic, trueElbo, bound(stats.logLik.se), 'elbo analytic KL');
    expectWithin(t.elbo, trueElbo, bound(stats.logW.se), 'elboTerms.elbo');
    expectWithin(t.expectedLogJoint.map((v, i) => v + t.entropy[i]!), trueElbo, bound(stats.joint.se), 'E log p(x,z) + H(q)');
    expectWithin(t.expectedLogLikelihood.map((v, i) => v - t.kl[i]!), trueElbo, bound(stats.logLik.se), 'E log p(x|z) − KL(q‖p(z))');
    expectWithin(t.posteriorGap, gap, bound(stats.logW.se), 'posteriorGap vs KL(q ‖ posterior)');
    // Same draws, same arithmetic: elboTerms.elbo is elbo({ logJoint }); its MC terms are the plain sample means.
    expectClose(t.elbo, direct, { rtol: 1e-5, atol: 1e-5 });
    expectClose(analytic, t.expectedLogLikelihood.map((v, i) => v - t.kl[i]!), { rtol: 1e-5, atol: 1e-5 });
    expectClose(t.expectedLogLikelihood, stats.logLik.mean, { rtol: 1e-5, atol: 1e-5 });
    expectClose(t.expectedLogJoint, stats.joint.mean, { rtol: 1e-5, atol: 1e-5 });
    expectClose(t.entropy, await values(q.entropy()), { rtol: 1e-6 });
    expectClose(t.kl, await values(kl(q, pz)), { rtol: 1e-6 });
    tf.dispose(terms);
    q.dispose();
    post.dispose();
    pz.dispose();
  });

  it('iwae is the mean over groups of log-mean-exp of k weights; k = 1 is the ELBO', async () => {
    const q = offQ();
    const lw = tf.tidy(() => logImportanceWeights('test', logJoint(MODEL), q, 60, { reparameterized: true, seed: 8 }).logWeights);
    const flat = await values(lw);
    for (const k of [1, 5, 20]) {
      const expected = Array.from({ length: N }, (_, n) => {
        let total = 0;
        for (let g = 0; g < 60 / k; g++) {
          const group = Array.from({ length: k }, (_, i) => flat[(g * k + i) * N + n]!);
          const m = Math.max(...group);
          total += m + Math.log(group.reduce((s, v) => s + Math.exp(v - m), 0) / k);
        }
        return total / (60 / k);
      });
      expectClose(await values(iwae({ logJoint: logJoint(MODEL), q, k, numSamples: 60, seed: 8 })), expected, { rtol: 1e-5, atol: 1e-5 });
    }
    expect(await values(iwae({ logJoint: logJoint(MODEL), q, k: 1, numSamples: 60, seed: 8 }))).toEqual(
      await values(elbo({ logJoint: logJoint(MODEL), q, numSamples: 60, seed: 8 })),
    );
    // numSamples defaults to k: one group.
    const one = iwae({ logJoint: logJoint(MODEL), q, k: 7, seed: 1 });
    expect(one.shape).toEqual([N]);
    one.dispose();
    q.dispose();
  });

  it('keeps the tensor count flat over 1000 calls of each estimator', async () => {
    const q = offQ();
    const p = prior(MODEL);
    const pz = mvnPrior();
    const lj = logJoint(MODEL);
    const ll = logLikelihood(MODEL);
    // A leak of one tensor per call shows in any count; webgpu (Dawn on lavapipe) takes 200 calls, not 1000 (~50 s).
    const opts = { iterations: backend === 'webgpu' ? 200 : 1000 };
    // Every 25th result is read back: without a sync, many calls queue work on webgpu faster than it runs
    // and the worker dies; a sync on every call takes a minute.
    let calls = 0;
    const synced = (f: () => tf.TensorContainer) => async () => {
      const result = f();
      if (++calls % 25 === 0) {
        await Promise.all(Object.values(result instanceof tf.Tensor ? { result } : (result as Record<string, tf.Tensor>)).map((t) => t.data()));
      }
      return result;
    };
    await expectFlatTensorCount(synced(() => naiveMonteCarlo({ prior: p, logLikelihood: ll, numSamples: 8, seed: 1 })), opts);
    await expectFlatTensorCount(synced(() => importanceSampling({ logJoint: lj, proposal: q, numSamples: 8, seed: 1 })), opts);
    await expectFlatTensorCount(synced(() => elbo({ logJoint: lj, q, numSamples: 8, seed: 1 })), opts);
    await expectFlatTensorCount(synced(() => elbo({ logLikelihood: ll, prior: pz, q, analyticKL: true, numSamples: 8, seed: 1 })), opts);
    await expectFlatTensorCount(synced(() => iwae({ logJoint: lj, q, k: 4, numSamples: 8, seed: 1 })), opts);
    await expectFlatTensorCount(synced(() => elboTerms({ logLikelihood: ll, prior: pz, q, numSamples: 8, seed: 1, logEvidence: EXACT })), opts);
    q.dispose();
    p.dispose();
    pz.dispose();
  });
});

describe('estimator options', () => {
  const q = () => offQ();
  const lj = logJoint(MODEL);
  const ll = logLikelihood(MODEL);

  it('rejects bad counts with the function, option, rule and value', () => {
    const d = q();
    expect(() => naiveMonteCarlo({ prior: d, logLikelihood: ll, numSamples: 0 })).toThrow(new ValidationError('naiveMonteCarlo', 'numSamples', 'be a positive integer', 0));
    expect(() => importanceSampling({ logJoint: lj, proposal: d, numSamples: 2.5 })).toThrow('importanceSampling: numSamples must be a positive integer (got 2.5)');
    expect(() => elbo({ logJoint: lj, q: d, numSamples: -1 })).toThrow('elbo: numSamples must be a positive integer (got -1)');
    expect(() => iwae({ logJoint: lj, q: d, k: 0 })).toThrow('iwae: k must be a positive integer (got 0)');
    expect(() => iwae({ logJoint: lj, q: d, k: 5, numSamples: 12 })).toThrow('iwae: numSamples must be a multiple of k = 5 (got 12)');
    expect(() => elboTerms({ logLikelihood: ll, prior: d, q: d, numSamples: 0 })).toThrow('elboTerms: numSamples must be a positive integer (got 0)');
    expect(() => naiveMonteCarlo({ prior: undefined as never, logLikelihood: ll, numSamples: 1 })).toThrow('naiveMonteCarlo: prior must be a Distribution (got undefined)');
    expect(() => iwae({ logJoint: 3 as never, q: d, k: 1 })).toThrow('iwae: logJoint must be a function (got number)');
    expect(() => elbo({ logJoint: lj, q: d, numSamples: 1, analyticKL: 'yes' as never })).toThrow('elbo: analyticKL must be true, false or omitted (got "yes")');
    d.dispose();
  });

  it('rejects mismatched shapes', () => {
    const d = q();
    const small = new MultivariateNormalDiag({ loc: [[0, 0]], scaleDiag: [[1, 1]] });
    expect(() => elbo({ logLikelihood: ll, prior: small, q: d, analyticKL: true, numSamples: 2 })).toThrow(new ShapeError('elbo', 'prior.batchShape [1] must equal q.batchShape [4]'));
    expect(() => elboTerms({ logLikelihood: ll, prior: small, q: d, numSamples: 2 })).toThrow('elboTerms: prior.batchShape [1] must equal q.batchShape [4]');
    expect(() => iwae({ logJoint: (z) => tf.sum(z, [0, 2]), q: d, k: 2 })).toThrow(ShapeError);
    expect(() => naiveMonteCarlo({ prior: d, logLikelihood: (z) => tf.sum(z), numSamples: 2 })).toThrow('naiveMonteCarlo: logLikelihood returned shape []; expected [2, ...] with batchShape [4] broadcasting to the rest');
    const pz = mvnPrior();
    expect(() => elboTerms({ logLikelihood: ll, prior: pz, q: d, numSamples: 2, logEvidence: [1, 2] })).toThrow('elboTerms: logEvidence has shape [2]; expected q.batchShape [4]');
    d.dispose();
    small.dispose();
    pz.dispose();
  });
});
