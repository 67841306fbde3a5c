/**
 * Workload: variance and cost of the gradient estimators of `iwaeLoss` for the
 * inference-network (q) parameters, on the linear-Gaussian model with a
 * diagonal q near the exact posterior, k = 50 (two groups: numSamples = 100,
 * so that 'score' has its leave-one-out baseline; every estimator gets the same
 * draws). Variance: total over q's parameters, over 100 seeds. Printed as
 * ratios to 'pathwise' measured in the same run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { iwaeLoss, MultivariateNormalDiag, setBackend, splitSeed } from '../dist/index.js';
import { medianMs } from './harness.mjs';

// z ~ N(0, I_2), x | z ~ N(W z + b, σ² I_3); W's columns are orthogonal, so the posterior is diagonal.
const W = [
  [1.0, 0.4],
  [0.5, -0.8],
  [0.0, 0.3],
];
const B = [0.5, -1, 0.25];
const SIGMA = 0.7;
const X = [
  [0.2, -0.4, 1.1],
  [1.5, 0.3, -0.2],
  [-0.8, -1.6, 0.9],
  [0.0, 0.0, 0.0],
];
const LOG_2PI = Math.log(2 * Math.PI);
const K = 50;
const NUM_SAMPLES = 2 * K;
const ESTIMATORS = ['pathwise', 'stl', 'dreg', 'score'];

/** Posterior mean and log-sd per data point (exact for orthogonal columns), shifted by `shift`. */
function nearPosterior(shift) {
  const precision = W[0].map((_, j) => 1 + W.reduce((s, row) => s + row[j] ** 2, 0) / SIGMA ** 2);
  const loc = X.map((x) => precision.map((p, j) => W.reduce((s, row, i) => s + (row[j] * (x[i] - B[i])) / SIGMA ** 2, 0) / p + shift));
  const logScale = X.map(() => precision.map((p) => -0.5 * Math.log(p) + shift));
  return { loc, logScale };
}

function logJoint(z) {
  const [s, n, dz] = z.shape;
  const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [s * n, dz]), tf.tensor2d(W), false, true), [s, n, B.length]), tf.tensor1d(B));
  const r = tf.div(tf.sub(tf.tensor2d(X), mean), SIGMA);
  const likelihood = tf.sum(tf.sub(tf.mul(tf.square(r), -0.5), Math.log(SIGMA) + 0.5 * LOG_2PI), -1);
  return tf.add(tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * LOG_2PI), -1), likelihood);
}

/** Rows `{ name, variance, ms }` as ratios to the `baseline` row: only ratios, measured side by side. */
function printRatioTable(title, rows, baseline) {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}  (ratio = value / ${baseline})`);
  console.log(`  ${'estimator'.padEnd(12)} ${'variance'.padStart(12)} ${'time/grad'.padStart(12)}`);
  for (const { name, variance, ms } of rows) {
    const v = variance / base.variance;
    console.log(`  ${name.padEnd(12)} ${(v < 0.01 ? v.toExponential(1) : v.toFixed(3)).padStart(11)}x ${(ms / base.ms).toFixed(2).padStart(11)}x`);
  }
}

export async function gradientVariance({ backends, seeds = 100 }) {
  const backend = backends.includes('wasm') ? 'wasm' : backends[0];
  await setBackend(backend);
  const start = nearPosterior(0.1);
  const loc = tf.variable(tf.tensor2d(start.loc));
  const logScale = tf.variable(tf.tensor2d(start.logScale));
  const vars = [loc, logScale];
  const gradientOf = async (gradient, seed) => {
    const { value, grads } = tf.variableGrads(() => {
      const q = new MultivariateNormalDiag({ loc, scaleDiag: tf.exp(logScale) }, { validateArgs: false });
      return iwaeLoss({ logJoint, q, k: K, numSamples: NUM_SAMPLES, seed, gradient });
    }, vars);
    const flat = tf.concat(vars.map((v) => tf.reshape(grads[v.name], [-1])));
    const data = await flat.data();
    tf.dispose([value, grads, flat]);
    return data;
  };
  const rows = [];
  for (const gradient of ESTIMATORS) {
    const draws = [];
    for (const seed of splitSeed(7, seeds)) draws.push(await gradientOf(gradient, seed));
    let variance = 0;
    for (let j = 0; j < draws[0].length; j++) {
      const mean = draws.reduce((s, d) => s + d[j], 0) / draws.length;
      variance += draws.reduce((s, d) => s + (d[j] - mean) ** 2, 0) / (draws.length - 1);
    }
    rows.push({ name: gradient, variance, ms: await medianMs(() => gradientOf(gradient, 1), { runs: 15, warmup: 3 }) });
  }
  tf.dispose(vars);
  printRatioTable(`IWAE_${K} q-gradient on ${backend}, ${seeds} seeds, q near the posterior`, rows, 'pathwise');
}
