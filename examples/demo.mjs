/**
 * `npm run demo`: picks a backend, then estimates the log-evidence of a tiny
 * latent-variable model by Monte Carlo and compares it with the exact answer.
 *
 * Model: z ~ N(0, 1), x | z ~ N(z, 1). Evidence: p(x) = N(x; 0, 2).
 * Naive Monte Carlo: log p(x) ≈ log mean_s p(x | z_s), z_s ~ p(z), and its
 * gradient in x by tf.grad (exact: -x / 2). Then a few distributions and
 * their KL divergences, closed form beside Monte Carlo.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Bernoulli,
  Categorical,
  elbo,
  importanceSampling,
  initBackend,
  iwae,
  kl,
  klMonteCarlo,
  logMeanExp,
  MixtureSameFamily,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  naiveMonteCarlo,
  Normal,
  randomNormal,
} from '../dist/index.js';

const { backend, skipped } = await initBackend();
console.log(`latent demo — backend: ${backend}${skipped.length ? ` (skipped: ${skipped.map((s) => s.backend).join(', ')})` : ''}`);

const x = 1.5;
const exact = -0.5 * Math.log(2 * Math.PI * 2) - (x * x) / 4;
const logNormal = (value, mean) => tf.sub(tf.mul(tf.square(tf.sub(value, mean)), -0.5), 0.5 * Math.log(2 * Math.PI));

console.log(`\nlog p(x = ${x}): exact ${exact.toFixed(6)}, d/dx exact ${(-x / 2).toFixed(6)}`);
console.log('   samples    estimate       error    d/dx estimate');
for (const samples of [10, 1_000, 100_000, 1_000_000]) {
  const z = randomNormal([samples], { seed: 2026 });
  const estimate = (xs) => logMeanExp(logNormal(xs, z));
  const { value, grads } = tf.tidy(() => ({ value: estimate(tf.scalar(x)), grads: tf.grad(estimate)(tf.scalar(x)) }));
  const [v, g] = [(await value.data())[0], (await grads.data())[0]];
  console.log(`${String(samples).padStart(10)}  ${v.toFixed(6).padStart(10)}  ${(v - exact).toExponential(2).padStart(10)}  ${g.toFixed(6).padStart(10)}`);
  tf.dispose([z, value, grads]);
}

// Distributions and KL divergences: closed forms beside Monte-Carlo estimates.
const normalP = new Normal({ loc: 0, scale: 1 });
const normalQ = new Normal({ loc: 1, scale: 2 });
const mvnP = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.8, 0.6]] });
const mvnQ = new MultivariateNormalDiag({ loc: [0.5, -0.5], scaleDiag: [1.5, 1] });
const coinP = new Bernoulli({ probs: 0.3 });
const coinQ = new Bernoulli({ probs: 0.5 });
const dieP = new Categorical({ probs: [0.5, 0.25, 0.125, 0.125] });
const dieQ = new Categorical({ logits: [0, 0, 0, 0] });
const mixture = new MixtureSameFamily({
  mixture: new Categorical({ probs: [0.3, 0.7] }),
  components: new Normal({ loc: [-2, 1.5], scale: [0.5, 1] }),
});

console.log('\n  KL(p ‖ q)                                 closed form   Monte Carlo (1e5 draws)');
const pairs = [
  ['N(0, 1) ‖ N(1, 2²)', normalP, normalQ],
  ['MVN TriL (ρ = 0.8) ‖ MVN Diag', mvnP, mvnQ],
  ['Bernoulli(0.3) ‖ Bernoulli(0.5)', coinP, coinQ],
  ['Categorical(½,¼,⅛,⅛) ‖ uniform', dieP, dieQ],
  ['mixture of 2 Normals ‖ N(1, 2²)', mixture, normalQ],
];
for (const [name, p, q] of pairs) {
  let closed = '(none)';
  try {
    closed = (await kl(p, q).data())[0].toFixed(5);
  } catch {
    // no closed form for a mixture: the Monte-Carlo column is the answer
  }
  const estimate = (await klMonteCarlo(p, q, { numSamples: 100_000, seed: 3 }).data())[0];
  console.log(`  ${name.padEnd(40)} ${closed.padStart(11)}   ${estimate.toFixed(5).padStart(11)}`);
}
const draws = mvnP.sample(3, { seed: 4 });
console.log(`\nMultivariateNormalTriL: batchShape [${mvnP.batchShape}], eventShape [${mvnP.eventShape}], sample(3) shape [${draws.shape}], logProb shape [${mvnP.logProb(draws).shape}]`);
const given = mvnP.condition([0], [1.5]);
console.log(`condition on x₀ = 1.5: mean ${(await given.mean().data())[0].toFixed(4)} (exact 1.2), variance ${(await given.variance().data())[0].toFixed(4)} (exact 0.36)`);

// Jensen's gap closing: the evidence of one data point of a linear-Gaussian model,
// z ~ N(0, I₂), x | z ~ N(W z + b, σ² I₃), whose exact log p(x) = log N(x; b, W Wᵀ + σ² I).
const W = [[1.0, -0.5], [0.3, 0.8], [-0.7, 0.2]];
const b = [0.5, -1, 0.25];
const sigma = 0.7;
const xObs = [1.5, 0.3, -0.2];
const logLik = (z) =>
  tf.tidy(() => {
    const [s, n] = z.shape;
    const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [s * n, 2]), tf.transpose(tf.tensor2d(W))), [s, n, 3]), tf.tensor1d(b));
    const r = tf.div(tf.sub(tf.tensor1d(xObs), mean), sigma);
    return tf.sum(tf.sub(tf.mul(tf.square(r), -0.5), Math.log(sigma) + 0.5 * Math.log(2 * Math.PI)), -1);
  });
const priorZ = new MultivariateNormalDiag({ loc: [[0, 0]], scaleDiag: [[1, 1]] });
const logJointZ = (z) => tf.tidy(() => tf.add(priorZ.logProb(z), logLik(z)));
// Exact evidence: covariance W Wᵀ + σ² I, by the library's own Gaussian.
const evidenceCov = W.map((wi, i) => W.map((wj, j) => wi.reduce((acc, v, k) => acc + v * wj[k], 0) + (i === j ? sigma ** 2 : 0)));
const exactLogEvidence = (await tf.tidy(() => new MultivariateNormalTriL({ loc: b, scaleTril: choleskyOf(evidenceCov) }).logProb(xObs)).data())[0];
// A variational q that is close to, but not, the posterior: a diagonal Gaussian.
const q = new MultivariateNormalDiag({ loc: [[0.8, 0.4]], scaleDiag: [[0.5, 0.6]] }); // posterior: mean [0.94, 0.58], sd [0.50, 0.60], correlation 0.23
const row = async (name, t) => {
  const v = (await t.data())[0];
  t.dispose();
  console.log(`  ${name.padEnd(36)} ${v.toFixed(4).padStart(9)}   ${(v - exactLogEvidence).toFixed(4).padStart(8)}`);
};
console.log('\nJensen\'s gap on one data point (linear-Gaussian model)   estimate   − exact');
console.log(`  ${'exact log p(x)'.padEnd(36)} ${exactLogEvidence.toFixed(4).padStart(9)}`);
await row('naive Monte Carlo (S = 10 000)', naiveMonteCarlo({ prior: priorZ, logLikelihood: logLik, numSamples: 10_000, seed: 1 }));
const is = importanceSampling({ logJoint: logJointZ, proposal: q, numSamples: 10_000, seed: 1 });
await row('importance sampling (S = 10 000, q)', is.logEvidence);
tf.dispose([is.logWeights, is.weights, is.effectiveSampleSize]);
await row('ELBO (q, 10 000 draws)', elbo({ logJoint: logJointZ, q, numSamples: 10_000, seed: 1 }));
await row('IWAE_5 (q, 2000 groups)', iwae({ logJoint: logJointZ, q, k: 5, numSamples: 10_000, seed: 1 }));
await row('IWAE_50 (q, 200 groups)', iwae({ logJoint: logJointZ, q, k: 50, numSamples: 10_000, seed: 1 }));

function choleskyOf(a) {
  const l = a.map(() => a.map(() => 0));
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j <= i; j++) {
      let v = a[i][j];
      for (let k = 0; k < j; k++) v -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(v) : v / l[j][j];
    }
  }
  return l;
}
