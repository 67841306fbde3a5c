/**
 * `npm run demo`: picks a backend, then estimates the log-evidence of a tiny
 * latent-variable model by Monte Carlo and compares it with the exact answer.
 *
 * Model: z ~ N(0, 1), x | z ~ N(z, 1). Evidence: p(x) = N(x; 0, 2).
 * Naive Monte Carlo: log p(x) ≈ log mean_s p(x | z_s), z_s ~ p(z), and its
 * gradient in x by tf.grad (exact: -x / 2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logMeanExp, randomNormal } from '../dist/index.js';

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
console.log(`\ntensors alive: ${tf.memory().numTensors}`);
