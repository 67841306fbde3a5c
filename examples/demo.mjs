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
  initBackend,
  kl,
  klMonteCarlo,
  logMeanExp,
  MixtureSameFamily,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
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
