/**
 * Workload: density estimation on FFJORD's 2-D toy data with a fixed budget
 * (the flows issue's protocol): 4,000 steps of 256 fresh points, Adam 1e-3,
 * test negative log-likelihood on 20,000 points, for RealNVP (8 couplings,
 * MLP 2×64), MAF (5 MADE layers 2×64) and a neural spline flow (6 couplings,
 * 8 bins, tail bound 4), on wasm. The data's entropy is the floor; PyTorch's
 * numbers (the measurement, 3 seeds) are printed beside.
 * `BENCH_SEEDS` (default 1) and `BENCH_STEPS` (default 4000) size the run;
 * it also checks that the tensor count stays constant through every run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maf, nsf, realNVP, setBackend } from '../dist/index.js';
import { checkerboard, eightGaussians, twoMoons } from '../dist/datasets.js';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 1);
const STEPS = Number(process.env.BENCH_STEPS ?? 4000);
const DATA = {
  'two moons': { make: twoMoons, entropy: 2.392, torch: { realNVP: 2.42, maf: 2.44, nsf: 2.42 } },
  'eight Gaussians': { make: eightGaussians, entropy: 2.834, torch: { realNVP: 2.97, maf: 3.02, nsf: 2.86 } },
  checkerboard: { make: checkerboard, entropy: Math.log(32), torch: { realNVP: 3.66, maf: 3.68, nsf: 3.54 } },
};
const MODELS = {
  realNVP: (seed) => realNVP({ dim: 2, layers: 8, hiddenSizes: [64, 64], seed }),
  maf: (seed) => maf({ dim: 2, layers: 5, hiddenSizes: [64, 64], seed }),
  nsf: (seed) => nsf({ dim: 2, layers: 6, bins: 8, tailBound: 4, hiddenSizes: [64, 64], seed }),
};

export async function flowsDensity() {
  await setBackend('wasm');
  const leaks = [];
  console.log(`\nflow density estimation on wasm: ${STEPS} steps of 256, Adam 1e-3, test NLL on 20,000 points (nats), ${SEEDS} seed(s)`);
  console.log(`  ${'data'.padEnd(16)} ${'model'.padEnd(8)} ${'NLL'.padStart(6)} ${'PyTorch'.padStart(8)} ${'entropy'.padStart(8)} ${'min'.padStart(5)}`);
  for (const [dataName, { make, entropy, torch }] of Object.entries(DATA)) {
    const test = make(20_000, { seed: 999 });
    for (const [modelName, build] of Object.entries(MODELS)) {
      const started = performance.now();
      let total = 0;
      for (let s = 0; s < SEEDS; s++) {
        const flow = build(1 + s);
        const batches = { *[Symbol.iterator]() { for (let i = 0; i < STEPS; i++) yield make(256, { seed: 100_000 * (s + 1) + i }); } };
        const counts = new Set();
        await flow.fit(batches, { onStep: ({ step }) => { if (step > 2) counts.add(tf.memory().numTensors); } });
        if (counts.size !== 1) leaks.push(`${dataName} ${modelName}: ${[...counts].join(', ')} tensors`);
        total += -(await tf.mean(flow.logProb(test)).data())[0];
        flow.dispose();
      }
      const minutes = (performance.now() - started) / 60_000;
      console.log(`  ${dataName.padEnd(16)} ${modelName.padEnd(8)} ${(total / SEEDS).toFixed(3).padStart(6)} ${torch[modelName].toFixed(2).padStart(8)} ${entropy.toFixed(3).padStart(8)} ${minutes.toFixed(1).padStart(5)}`);
    }
    test.dispose();
  }
  console.log(leaks.length === 0 ? `  tensor count constant from step 3 to ${STEPS} in every run` : `  TENSOR COUNT MOVED: ${leaks.join('; ')}`);
}
