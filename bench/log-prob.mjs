/**
 * Workload: `logProb` of 1e6 values (draws) of Normal, Bernoulli,
 * Categorical (K = 10) and MultivariateNormalDiag (d = 16), summed, on each
 * backend against a plain-JS Float32Array loop computing the same total.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Bernoulli, Categorical, MultivariateNormalDiag, Normal, setBackend, setValidateArgs, sum } from '../dist/index.js';
import { medianMs, printRatios } from './harness.mjs';

const N = 1_000_000;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const softplus = (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

const CASES = [
  {
    name: 'Normal',
    create: () => new Normal({ loc: 0.3, scale: 1.7 }),
    draws: (d) => d.sample(N, { seed: 1 }),
    plainJs: (xs) => {
      let total = 0;
      for (let i = 0; i < xs.length; i++) {
        const z = (xs[i] - 0.3) / 1.7;
        total += -0.5 * z * z - Math.log(1.7) - HALF_LOG_TWO_PI;
      }
      return total;
    },
  },
  {
    name: 'Bernoulli',
    create: () => new Bernoulli({ logits: 0.4 }),
    draws: (d) => d.sample(N, { seed: 1 }),
    plainJs: (xs) => {
      let total = 0;
      for (let i = 0; i < xs.length; i++) total += xs[i] === 1 ? -softplus(-0.4) : -softplus(0.4);
      return total;
    },
  },
  {
    name: 'Categorical K=10',
    create: () => new Categorical({ logits: [0.1, -0.3, 1.2, 0, 0.5, -1, 2, 0.3, -0.2, 0.8] }),
    draws: (d) => d.sample(N, { seed: 1 }),
    plainJs: (xs) => {
      const logits = [0.1, -0.3, 1.2, 0, 0.5, -1, 2, 0.3, -0.2, 0.8];
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      let total = 0;
      for (let i = 0; i < xs.length; i++) total += logits[xs[i]] - lse;
      return total;
    },
  },
  {
    name: 'MultivariateNormalDiag d=16',
    create: () => new MultivariateNormalDiag({ loc: Array.from({ length: 16 }, (_, i) => i / 16), scaleDiag: Array.from({ length: 16 }, (_, i) => 0.5 + i / 8) }),
    draws: (d) => d.sample(N, { seed: 1 }),
    plainJs: (xs) => {
      let total = 0;
      for (let i = 0; i < N; i++) {
        let event = 0;
        for (let j = 0; j < 16; j++) {
          const scale = 0.5 + j / 8;
          const z = (xs[i * 16 + j] - j / 16) / scale;
          event += -0.5 * z * z - Math.log(scale) - HALF_LOG_TWO_PI;
        }
        total += event;
      }
      return total;
    },
  },
];

export async function logProb({ backends }) {
  setValidateArgs(false); // measure the computation, not the support check's device sync
  for (const c of CASES) {
    await setBackend('cpu');
    const reference = c.create();
    const xs = await c.draws(reference).data();
    reference.dispose();
    const rows = [{ name: 'plain JS (Float32Array)', ms: await medianMs(() => c.plainJs(xs)) }];
    for (const backend of backends) {
      await setBackend(backend);
      const d = c.create();
      const x = tf.tensor(xs, c.name.startsWith('Multivariate') ? [N, 16] : [N]);
      const ms = await medianMs(async () => {
        const total = tf.tidy(() => sum(d.logProb(x)));
        await total.data();
        total.dispose();
      }, { runs: backend === 'cpu' ? 3 : 7, warmup: 1 });
      tf.dispose(x);
      d.dispose();
      rows.push({ name: backend, ms });
    }
    printRatios(`${c.name}: logProb of 1e6 draws, summed`, rows, 'plain JS (Float32Array)');
  }
  setValidateArgs(true);
}
