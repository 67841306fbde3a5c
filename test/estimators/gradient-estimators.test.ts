import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Categorical, MultivariateNormalDiag, splitSeed, ValidationError } from '../../src/index';
import { elboLoss } from '../../src/estimators/elbo-loss';
import { importanceWeightedBound } from '../../src/estimators/importance-weighted-bound';
import { iwaeLoss } from '../../src/estimators/iwae-loss';
import { logImportanceWeights } from '../../src/estimators/log-weights';
import type { GradientEstimator } from '../../src/estimators/surrogate-loss';
import type { LogDensity } from '../../src/estimators/types';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { exactPosterior, MODEL, type LinearGaussian } from './linear-gaussian';

const LOG_2PI = Math.log(2 * Math.PI);

/** MODEL with orthogonal columns of W: WᵀW is diagonal, so is the posterior covariance, and a diagonal q can be exact. */
const ORTHO: LinearGaussian = {
  ...MODEL,
  W: [
    [1.0, 0.4],
    [0.5, -0.8],
    [0.0, 0.3],
  ],
};

/** The linear-Gaussian log p(x, z) with W a tensor (a model variable): z `[S, N, dz]` → `[S, N]`. */
function gaussianLogJoint(m: LinearGaussian, W: tf.Tensor): LogDensity {
  return (z) => {
    const [s, n, dz] = z.shape as [number, number, number];
    const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [s * n, dz]), W, false, true), [s, n, m.b.length]), tf.tensor1d(m.b));
    const r = tf.div(tf.sub(tf.tensor2d(m.x), mean), m.sigma);
    const likelihood = tf.sum(tf.sub(tf.mul(tf.square(r), -0.5), Math.log(m.sigma) + 0.5 * LOG_2PI), -1);
    return tf.add(tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * LOG_2PI), -1), likelihood);
  };
}

/**
 * −(mean over data points of) the exact ELBO of q = N(loc, diag(exp(logScale))²):
 * E_q log p(z) + E_q log p(x | z) + H(q), each a closed form in the means and variances.
 */
function closedFormElboLoss(m: LinearGaussian, loc: tf.Tensor, logScale: tf.Tensor, W: tf.Tensor): tf.Scalar {
  const dz = loc.shape[1] as number;
  const dx = m.b.length;
  const variance = tf.exp(tf.mul(logScale, 2));
  const prior = tf.sub(tf.mul(tf.sum(tf.add(tf.square(loc), variance), -1), -0.5), 0.5 * dz * LOG_2PI);
  const residual = tf.sub(tf.sub(tf.tensor2d(m.x), tf.tensor1d(m.b)), tf.matMul(loc, W, false, true));
  const spread = tf.sum(tf.matMul(variance, tf.square(W), false, true), -1);
  const likelihood = tf.sub(tf.div(tf.mul(tf.add(tf.sum(tf.square(residual), -1), spread), -0.5), m.sigma ** 2), dx * (Math.log(m.sigma) + 0.5 * LOG_2PI));
  const entropy = tf.add(tf.sum(logScale, -1), 0.5 * dz * (1 + LOG_2PI));
  return tf.neg(tf.mean(tf.add(tf.add(prior, likelihood), entropy))) as tf.Scalar;
}

interface GaussianSetup {
  loc: tf.Variable;
  logScale: tf.Variable;
  W: tf.Variable;
  logJoint: LogDensity;
  q: () => MultivariateNormalDiag;
  dispose: () => void;
}

/** Variables for q's loc and log-scale and the model's W; `q()` builds q from them (inside the differentiated function). */
function gaussianSetup(m: LinearGaussian, loc: number[][], logScale: number[][]): GaussianSetup {
  const vars = { loc: tf.variable(tf.tensor2d(loc)), logScale: tf.variable(tf.tensor2d(logScale)), W: tf.variable(tf.tensor2d(m.W)) };
  return {
    ...vars,
    logJoint: gaussianLogJoint(m, vars.W),
    q: () => new MultivariateNormalDiag({ loc: vars.loc, scaleDiag: tf.exp(vars.logScale) }, { validateArgs: false }),
    dispose: () => tf.dispose([vars.loc, vars.logScale, vars.W]),
  };
}

/** A deliberately imperfect q: the posterior mean shifted, a common log-scale. */
function offPosterior(m: LinearGaussian): { loc: number[][]; logScale: number[][] } {
  const { mean } = exactPosterior(m);
  return { loc: mean.map((row, n) => row.map((v, j) => v + 0.3 * (j === 0 ? 1 : -1) + 0.1 * n)), logScale: mean.map(() => [Math.log(0.5), Math.log(0.35)]) };
}

/** The exact posterior of a model with diagonal posterior covariance (ORTHO), as loc and log-scale, shifted by `shift`. */
function atPosterior(m: LinearGaussian, shift = 0): { loc: number[][]; logScale: number[][] } {
  const { mean, cov } = exactPosterior(m);
  return { loc: mean.map((row) => row.map((v) => v + shift)), logScale: mean.map(() => cov.map((row, j) => 0.5 * Math.log(row[j]!) + shift)) };
}

/** Gradient of `loss` w.r.t. `vars`, flattened in order. */
async function gradientOf(loss: () => tf.Scalar, vars: tf.Variable[]): Promise<number[]> {
  const { value, grads } = tf.variableGrads(loss, vars);
  const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name]!, [-1])));
  tf.dispose([value, grads]);
  return values(flat);
}

interface Spread {
  mean: number[];
  /** standard error of each mean, from the per-seed spread */
  se: number[];
  /** variance of one evaluation, per component */
  variance: number[];
}

async function spreadOver(seeds: number[], gradient: (seed: number) => Promise<number[]>): Promise<Spread> {
  const rows: number[][] = [];
  for (const seed of seeds) rows.push(await gradient(seed));
  const n = rows.length;
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const variance = mean.map((mu, j) => rows.reduce((s, r) => s + (r[j]! - mu) ** 2, 0) / (n - 1));
  return { mean, se: variance.map((v) => Math.sqrt(v / n)), variance };
}

/** |a − b| ≤ 6 combined standard errors + atol (float32 noise), componentwise. */
function expectAgree(a: number[], b: number[], se: number[], atol: number, label: string): void {
  a.forEach((v, j) => {
    const bound = 6 * se[j]! + atol;
    expect(Math.abs(v - b[j]!), `${label}, component ${j}: ${v} vs ${b[j]} ± ${bound}`).toBeLessThanOrEqual(bound);
  });
}

const combined = (x: number[], y: number[]): number[] => x.map((v, j) => Math.hypot(v, y[j]!));
const total = (v: number[]): number => v.reduce((s, x) => s + x, 0);

// The mixture with a Categorical latent: p(x, z) = π_z N(x; μ_z, 1), N = 4 data points, K = 3.
const PI = [0.5, 0.3, 0.2];
const MU = [-2, 0, 2.5];
const XS = [-1.5, 0.4, 2.0, 0.9];
const LOGITS = [
  [0.2, -0.3, 0.1],
  [-0.5, 0.4, 0.0],
  [0.0, 0.0, 0.0],
  [1.0, -1.0, 0.3],
];

/** log p(x_n, z = k) as a [N, K] table. */
function mixtureTable(): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.reshape(tf.tensor1d(XS), [XS.length, 1]);
    const logNormal = tf.sub(tf.mul(tf.square(tf.sub(x, tf.tensor1d(MU))), -0.5), 0.5 * LOG_2PI);
    return tf.add(logNormal, tf.log(tf.tensor1d(PI)));
  });
}

/** log p(x, z) for z `[S, N]` (category indices), shape `[S, N]`. */
const mixtureLogJoint: LogDensity = (z) => tf.sum(tf.mul(tf.oneHot(tf.cast(z, 'int32'), PI.length), mixtureTable()), -1);

describeEachBackend('gradient estimators (elboLoss, iwaeLoss)', (backend) => {
  it('returns −IWAE_k as its value whatever the gradient estimator', async () => {
    const { loc, logScale } = offPosterior(MODEL);
    const s = gaussianSetup(MODEL, loc, logScale);
    const expected = await values(
      tf.tidy(() => tf.neg(tf.mean(importanceWeightedBound(logImportanceWeights('test', s.logJoint, s.q(), 40, { reparameterized: true, seed: 3 }).logWeights, 5)))),
    );
    for (const gradient of ['pathwise', 'stl', 'dreg', 'score'] as const) {
      const got = await values(tf.tidy(() => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k: 5, numSamples: 40, seed: 3, gradient })));
      // Same draws, same log-weights: float32 rounding of sums of terms ~10 (2e-6 relative; 1e-5 on webgpu).
      expectClose(got, expected, { rtol: backend === 'webgpu' ? 1e-5 : 2e-6 });
    }
    const elbo = await values(tf.tidy(() => elboLoss({ logJoint: s.logJoint, q: s.q(), numSamples: 40, seed: 3, gradient: 'score' })));
    const elboExpected = await values(
      tf.tidy(() => tf.neg(tf.mean(importanceWeightedBound(logImportanceWeights('test', s.logJoint, s.q(), 40, { reparameterized: true, seed: 3 }).logWeights, 1)))),
    );
    expectClose(elbo, elboExpected, { rtol: backend === 'webgpu' ? 1e-5 : 2e-6 });
    s.dispose();
  });

  it('pathwise, score and STL ELBO gradients match the closed-form ELBO gradient in expectation', async () => {
    const { loc, logScale } = offPosterior(MODEL);
    const s = gaussianSetup(MODEL, loc, logScale);
    const vars = [s.loc, s.logScale, s.W];
    const exact = await gradientOf(() => closedFormElboLoss(MODEL, s.loc, s.logScale, s.W), vars);
    const seeds = splitSeed(11, 40);
    for (const gradient of ['pathwise', 'score', 'stl'] as const) {
      const spread = await spreadOver(seeds, (seed) => gradientOf(() => elboLoss({ logJoint: s.logJoint, q: s.q(), numSamples: 64, seed, gradient }), vars));
      // 40 seeds × 64 draws: 6 standard errors from the per-seed spread, plus float32 noise of
      // gradients of size ~10 (1e-4 absolute).
      expectAgree(spread.mean, exact, spread.se, 1e-4 * (1 + Math.max(...exact.map(Math.abs))), `${gradient} vs closed form`);
    }
    s.dispose();
  });

  it('IWAE_5: pathwise, DReG and score gradients agree in expectation, STL is biased; the model gradient of each is pathwise’s, seed by seed', async () => {
    const { loc, logScale } = offPosterior(MODEL);
    const s = gaussianSetup(MODEL, loc, logScale);
    const vars = [s.loc, s.logScale, s.W];
    const seeds = splitSeed(12, 30);
    const k = 5;
    const numSamples = 5 * 40;
    const run = (gradient: GradientEstimator) => spreadOver(seeds, (seed) => gradientOf(() => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k, numSamples, seed, gradient }), vars));
    const pathwise = await run('pathwise');
    const scale = Math.max(...pathwise.mean.map(Math.abs));
    for (const gradient of ['dreg', 'score'] as const) {
      const other = await run(gradient);
      // 30 seeds × 40 groups each: 6 combined standard errors (independent spreads) plus float32 noise.
      expectAgree(other.mean, pathwise.mean, combined(other.se, pathwise.se), 1e-4 * (1 + scale), `${gradient} vs pathwise`);
    }
    // STL is unbiased for the ELBO only: for IWAE_k, k > 1, dropping the score term of q biases it
    // (Tucker et al. 2018, §3; DReG is the unbiased fix). Measured: loc[0,0] 0.344 vs 0.089, 32 standard errors apart.
    const stl = await run('stl');
    const apart = stl.mean.map((v, j) => Math.abs(v - pathwise.mean[j]!) / Math.hypot(stl.se[j]!, pathwise.se[j]!));
    expect(Math.max(...apart)).toBeGreaterThan(10);
    // The W gradient is Σ w̃ ∇θ log w for every estimator: with the same seed the same draws, so equal up to rounding.
    const wGradient = (gradient: GradientEstimator) => gradientOf(() => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k, numSamples: 50, seed: 5, gradient }), [s.W]);
    const reference = await wGradient('pathwise');
    for (const gradient of ['stl', 'dreg', 'score'] as const) {
      // float32: sums of w̃-weighted terms of size ~10; 1e-5 relative to the largest (1e-4 on webgpu).
      expectClose(await wGradient(gradient), reference, { atol: (backend === 'webgpu' ? 1e-4 : 1e-5) * Math.max(...reference.map(Math.abs)) });
    }
    s.dispose();
  });

  it('STL (and DReG) sticks the landing: zero q-gradient at the exact posterior, for every seed', async () => {
    const { loc, logScale } = atPosterior(ORTHO);
    const s = gaussianSetup(ORTHO, loc, logScale);
    const qVars = [s.loc, s.logScale];
    for (const seed of splitSeed(13, 5)) {
      const pathwise = await gradientOf(() => elboLoss({ logJoint: s.logJoint, q: s.q(), numSamples: 8, seed }), qVars);
      // The check is sharp: the pathwise gradient is of order 0.1-1 for the same draws.
      expect(Math.max(...pathwise.map(Math.abs))).toBeGreaterThan(0.05);
      const cases: Array<() => tf.Scalar> = [
        () => elboLoss({ logJoint: s.logJoint, q: s.q(), numSamples: 8, seed, gradient: 'stl' }),
        () => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k: 5, numSamples: 10, seed, gradient: 'stl' }),
        () => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k: 5, numSamples: 10, seed, gradient: 'dreg' }),
      ];
      for (const loss of cases) {
        // ∇z log p(x, z) − ∇z log q(z) cancels exactly in real arithmetic; float32 terms of size ~5 leave ~1e-6.
        expectClose(await gradientOf(loss, qVars), new Array<number>(16).fill(0), { atol: 2e-5 });
      }
    }
    s.dispose();
  });

  it('DReG and STL have lower variance than pathwise for the q-gradient at k = 50, q near the posterior', async () => {
    const { loc, logScale } = atPosterior(ORTHO, 0.1);
    const s = gaussianSetup(ORTHO, loc, logScale);
    const qVars = [s.loc, s.logScale];
    const seeds = splitSeed(14, backend === 'webgpu' ? 100 : 200);
    const variance = async (gradient: GradientEstimator) =>
      total((await spreadOver(seeds, (seed) => gradientOf(() => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k: 50, seed, gradient }), qVars))).variance);
    const pathwise = await variance('pathwise');
    const stl = await variance('stl');
    const dreg = await variance('dreg');
    // Measured, total variance over the 16 q-parameters (200 seeds on cpu and wasm, 100 on webgpu):
    // pathwise 0.048; stl/pathwise 0.0325 (webgpu 0.0332); dreg/pathwise 1.26e-5 (webgpu 1.28e-5).
    // Bounds with a wide margin: an estimator that kept the score term would sit near 1.
    expect(stl / pathwise, `stl ${stl} vs pathwise ${pathwise}`).toBeLessThan(0.2);
    expect(dreg / pathwise, `dreg ${dreg} vs pathwise ${pathwise}`).toBeLessThan(0.01);
    s.dispose();
  });

  it('the score-function gradient of a Categorical-latent mixture ELBO matches exact enumeration; pathwise refuses', async () => {
    const logits = tf.variable(tf.tensor2d(LOGITS));
    const q = () => new Categorical({ logits }, { validateArgs: false });
    const exact = await gradientOf(
      () =>
        tf.tidy(() => {
          const logQ = tf.logSoftmax(logits);
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logQ), tf.sub(mixtureTable(), logQ)), -1))) as tf.Scalar;
        }),
      [logits],
    );
    const spread = await spreadOver(splitSeed(15, 40), (seed) =>
      gradientOf(() => elboLoss({ logJoint: mixtureLogJoint, q: q(), numSamples: 100, seed, gradient: 'score' }), [logits]),
    );
    // 40 seeds × 100 draws: 6 standard errors from the per-seed spread, plus float32 noise.
    expectAgree(spread.mean, exact, spread.se, 1e-5, 'score vs enumeration');
    for (const gradient of ['pathwise', 'stl', 'dreg'] as const) {
      expect(() => elboLoss({ logJoint: mixtureLogJoint, q: q(), numSamples: 10, gradient })).toThrow(ValidationError);
      expect(() => iwaeLoss({ logJoint: mixtureLogJoint, q: q(), k: 2, gradient })).toThrow(
        `iwaeLoss: gradient must be 'score' when q has no reparameterised sampler (Categorical has no rsample, which '${gradient}' needs; pass gradient: 'score' for a score-function estimator) (got "${gradient}")`,
      );
    }
    expect(() => elboLoss({ logJoint: mixtureLogJoint, q: q(), numSamples: 10 })).toThrow(
      "elboLoss: gradient must be 'score' when q has no reparameterised sampler (Categorical has no rsample, which 'pathwise' needs; pass gradient: 'score' for a score-function estimator) (got \"pathwise\")",
    );
    logits.dispose();
  });

  it('rejects bad options', () => {
    const q = new MultivariateNormalDiag({ loc: [[0, 0]], scaleDiag: [[1, 1]] });
    const W = tf.tensor2d(MODEL.W);
    const logJoint = gaussianLogJoint(MODEL, W);
    const cases: Array<[() => unknown, string]> = [
      [() => iwaeLoss({ logJoint, q, k: 0 }), 'iwaeLoss: k must be a positive integer (got 0)'],
      [() => iwaeLoss({ logJoint, q, k: 2.5 }), 'iwaeLoss: k must be a positive integer (got 2.5)'],
      [() => iwaeLoss({ logJoint, q, k: 5, numSamples: 12 }), 'iwaeLoss: numSamples must be a multiple of k = 5 (numSamples / k independent groups of k draws) (got 12)'],
      [() => iwaeLoss({ logJoint, q, k: 5, numSamples: 0 }), 'iwaeLoss: numSamples must be a positive integer (got 0)'],
      [
        () => iwaeLoss({ logJoint, q, k: 5, gradient: 'reinforce' as GradientEstimator }),
        "iwaeLoss: gradient must be one of 'pathwise', 'score', 'stl', 'dreg' (got \"reinforce\")",
      ],
      [
        () => iwaeLoss({ logJoint, q, k: 5, gradient: 'score' }),
        "iwaeLoss: numSamples must be at least 2·k = 10 with gradient 'score' (two or more groups of k draws: each group's baseline is the mean bound of the other groups) (got 5)",
      ],
      [
        () => elboLoss({ logJoint, q, numSamples: 1, gradient: 'score' }),
        "elboLoss: numSamples must be at least 2 with gradient 'score' (each draw's baseline is the mean of the other draws) (got 1)",
      ],
      [() => elboLoss({ logJoint, q, numSamples: -3 }), 'elboLoss: numSamples must be a positive integer (got -3)'],
      [() => elboLoss({ logJoint: 3 as unknown as LogDensity, q, numSamples: 4 }), 'elboLoss: logJoint must be a function (got number)'],
      [() => iwaeLoss({ logJoint, q: {} as MultivariateNormalDiag, k: 2 }), 'iwaeLoss: q must be a Distribution'],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(ValidationError);
      expect(call).toThrow(message);
    }
    W.dispose();
    q.dispose();
  });

  it('leaks no tensors over many gradient evaluations of each estimator', async () => {
    const { loc, logScale } = offPosterior(MODEL);
    const s = gaussianSetup(MODEL, loc, logScale);
    const vars = [s.loc, s.logScale, s.W];
    // Each step waits for its loss value: webgpu's queue must drain (1000 unsynchronised
    // backward passes crash the lavapipe worker), as a training loop reading its loss does.
    const step = (loss: () => tf.Scalar, list: tf.Variable[]) => async () => {
      const result = tf.variableGrads(loss, list);
      await result.value.data();
      return result;
    };
    // 1000 calls of the cheapest of each function (pathwise), 100 of each other mode: they share the code
    // path. A leak of one tensor per call shows in any count, and each call is a full backward pass (about
    // 25 ms on webgpu/lavapipe, ~50 s for the whole test there): webgpu makes a tenth of the calls.
    const calls = (n: number) => (backend === 'webgpu' ? n / 10 : n);
    await expectFlatTensorCount(step(() => elboLoss({ logJoint: s.logJoint, q: s.q(), numSamples: 4, seed: 1 }), vars), { iterations: calls(1000) });
    for (const gradient of ['pathwise', 'stl', 'dreg', 'score'] as const) {
      const iterations = calls(gradient === 'pathwise' ? 1000 : 100);
      await expectFlatTensorCount(step(() => iwaeLoss({ logJoint: s.logJoint, q: s.q(), k: 5, numSamples: 10, seed: 2, gradient }), vars), { iterations });
    }
    const stlByLoc = (l: tf.Tensor) =>
      elboLoss({ logJoint: s.logJoint, q: new MultivariateNormalDiag({ loc: l, scaleDiag: tf.exp(s.logScale) }, { validateArgs: false }), numSamples: 4, seed: 1, gradient: 'stl' });
    await expectFlatTensorCount(
      async () => {
        const [g] = tf.grads(stlByLoc)([s.loc]);
        await g!.data();
        return g;
      },
      { iterations: calls(50) },
    );
    const logits = tf.variable(tf.tensor2d(LOGITS));
    const categoricalScore = () => elboLoss({ logJoint: mixtureLogJoint, q: new Categorical({ logits }, { validateArgs: false }), numSamples: 4, seed: 1, gradient: 'score' });
    await expectFlatTensorCount(step(categoricalScore, [logits]), { iterations: calls(100) });
    logits.dispose();
    s.dispose();
  });
});
