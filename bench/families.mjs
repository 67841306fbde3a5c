/**
 * Workload: the distribution families of issue 12 against PyTorch 1.13 on one
 * thread (bench/torch_families.py, a child process kept alive), on wasm:
 *   - logProb of 1e6 and 1e7 values, summed and read back (validation off on
 *     both sides; Dirichlet K = 10 takes a tenth as many rows);
 *   - Gamma and Beta rsample of 1e6 draws with the gradient of their sum in
 *     the concentration (implicit reparameterisation on both sides);
 *   - Poisson and Binomial sample of 1e6 draws, summed and read back.
 * Alternating rounds (PyTorch's runs, then latent's); the ratio is the median
 * over rounds of the per-round ratios of median times. Goals: logProb within
 * 1.0x, sampling within 2x. `BENCH_CASES=<regex>` keeps the cases whose label
 * matches (e.g. `BENCH_CASES=rsample npm run bench families`).
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  Beta,
  Binomial,
  Cauchy,
  ContinuousBernoulli,
  Dirichlet,
  Exponential,
  Gamma,
  HalfNormal,
  Laplace,
  LogNormal,
  Poisson,
  setBackend,
  setValidateArgs,
  StudentT,
  sum,
} from '../dist/index.js';
import { median, PYTHON, pythonServer, timesMs, torchAvailable } from './harness.mjs';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_families.py', import.meta.url));
const ROUNDS = 5;
const RUNS = 3;

// The same parameters as bench/torch_families.py.
const FAMILIES = {
  Exponential: () => new Exponential({ rate: 1.5 }),
  Gamma: () => new Gamma({ concentration: 2.5, rate: 1.5 }),
  Beta: () => new Beta({ concentration1: 2, concentration0: 3.5 }),
  StudentT: () => new StudentT({ df: 4, loc: 0.5, scale: 2 }),
  Laplace: () => new Laplace({ loc: 0.5, scale: 2 }),
  LogNormal: () => new LogNormal({ loc: 0.5, scale: 0.8 }),
  HalfNormal: () => new HalfNormal({ scale: 1.5 }),
  Cauchy: () => new Cauchy({ loc: 0.5, scale: 2 }),
  Poisson: () => new Poisson({ rate: 7.5 }),
  Binomial: () => new Binomial({ totalCount: 40, logits: -0.4 }),
  ContinuousBernoulli: () => new ContinuousBernoulli({ logits: 1.3 }),
  'Dirichlet K=10': () => new Dirichlet({ concentration: Array.from({ length: 10 }, (_, i) => 0.5 + i / 2) }),
};

/** latent's runs of one case: logProb of n draws, or rsample of n with the gradient. */
function latentCase(family, op, n) {
  if (op === 'logProb') {
    const d = FAMILIES[family]();
    const x = d.sample(family.startsWith('Dirichlet') ? n / 10 : n, { seed: 1 });
    return {
      run: (runs) =>
        timesMs(async () => {
          const total = tf.tidy(() => sum(d.logProb(x)));
          await total.data();
          total.dispose();
        }, runs),
      close: () => {
        x.dispose();
        d.dispose();
      },
    };
  }
  if (op === 'sample') {
    const d = FAMILIES[family]();
    return {
      run: (runs) =>
        timesMs(async () => {
          const total = tf.tidy(() => tf.sum(d.sample(n, { seed: 3 })));
          await total.data();
          total.dispose();
        }, runs),
      close: () => d.dispose(),
    };
  }
  const make = (a) => (family === 'Gamma' ? new Gamma({ concentration: a, rate: 1.5 }) : new Beta({ concentration1: a, concentration0: 3.5 }));
  const a = tf.scalar(family === 'Gamma' ? 2.5 : 2);
  const gradient = tf.grad((t) => tf.sum(make(t).rsample(n, { seed: 2 })));
  return {
    run: (runs) =>
      timesMs(async () => {
        const g = gradient(a);
        await g.data();
        g.dispose();
      }, runs),
    close: () => a.dispose(),
  };
}

export async function families() {
  if (!torchAvailable()) {
    console.log(`\n(families: skipped: ${PYTHON} cannot import torch; install Debian's python3-torch)`);
    return;
  }
  await setBackend('wasm');
  setValidateArgs(false); // measure the computation, not the support checks
  const torch = pythonServer(TORCH_SCRIPT);
  const cases = [
    ...Object.keys(FAMILIES).flatMap((family) => [1e6, 1e7].map((n) => ({ family, op: 'logProb', n, goal: 1 }))),
    ...['Gamma', 'Beta'].map((family) => ({ family, op: 'rsample', n: 1e6, goal: 2 })),
    ...['Poisson', 'Binomial'].map((family) => ({ family, op: 'sample', n: 1e6, goal: 2 })),
  ];
  console.log(`\nFamilies on wasm against PyTorch 1.13 (1 thread): median over ${ROUNDS} alternating rounds of the ratio of median times`);
  console.log(`  ${'case'.padEnd(38)} ${'latent / PyTorch'.padStart(16)}   latent ms   PyTorch ms   goal`);
  const keep = new RegExp(process.env.BENCH_CASES ?? '');
  try {
    for (const c of cases) {
      const label = `${c.family} ${{ logProb: 'logProb', rsample: 'rsample + gradient', sample: 'sample' }[c.op]} n = ${c.n.toExponential(0)}`;
      if (!keep.test(label)) continue;
      const latent = latentCase(c.family, c.op, c.n);
      const request = JSON.stringify({ family: c.family, op: c.op, n: c.n, runs: RUNS });
      try {
        await torch.request(JSON.stringify({ ...JSON.parse(request), runs: 1 })); // warm-up
        await latent.run(1);
        const ratios = [];
        const [latentMs, torchMs] = [[], []];
        for (let round = 0; round < ROUNDS; round++) {
          const t = median((await torch.request(request)).ms);
          const l = median(await latent.run(RUNS));
          ratios.push(l / t);
          torchMs.push(t);
          latentMs.push(l);
        }
        const ratio = median(ratios);
        const verdict = ratio <= c.goal ? 'met' : 'MISSED';
        console.log(`  ${label.padEnd(38)} ${`${ratio.toFixed(2)}x`.padStart(16)} ${median(latentMs).toFixed(1).padStart(11)} ${median(torchMs).toFixed(1).padStart(12)}   ≤ ${c.goal}x ${verdict}`);
      } finally {
        latent.close();
      }
    }
  } finally {
    torch.close();
    setValidateArgs(true);
  }
}
