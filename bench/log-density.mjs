/**
 * Workload: total Normal log-density of n values, sum_i log N(x_i; mu, sigma),
 * on each backend against a plain-JS Float32Array loop. Each tfjs run reads
 * the result back, so GPU backends pay for their synchronisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, setBackend, sum } from '../dist/index.js';
import { medianMs, printRatios } from './harness.mjs';

const MU = 0.3;
const SIGMA = 1.7;
const LOG_NORMALISER = Math.log(SIGMA) + 0.5 * Math.log(2 * Math.PI);

function plainJs(xs) {
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const z = (xs[i] - MU) / SIGMA;
    total += -0.5 * z * z - LOG_NORMALISER;
  }
  return total;
}

function tfjsLogDensity(x) {
  return tf.tidy(() => sum(tf.sub(tf.mul(tf.square(tf.div(tf.sub(x, MU), SIGMA)), -0.5), LOG_NORMALISER)));
}

export async function logDensity({ backends, sizes = [1e6, 1e7] }) {
  for (const n of sizes) {
    await setBackend('cpu');
    const xs = await randomNormal([n], { seed: 1 }).data();
    const rows = [{ name: 'plain JS (Float32Array)', ms: await medianMs(() => plainJs(xs)) }];
    for (const backend of backends) {
      await setBackend(backend);
      const x = tf.tensor1d(xs);
      const ms = await medianMs(async () => {
        const total = tfjsLogDensity(x);
        await total.data();
        total.dispose();
      }, { runs: n >= 1e7 && backend === 'cpu' ? 3 : 7 });
      x.dispose();
      rows.push({ name: backend, ms });
    }
    printRatios(`Normal log-density, n = ${n.toExponential(0)}`, rows, 'plain JS (Float32Array)');
  }
}
