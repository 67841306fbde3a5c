/**
 * Workload: normalizing flows on wasm against PyTorch 1.13 on one thread
 * (bench/torch_flows.py, the same architectures written the same way):
 * ms per training step (batch 256 of two moons, Adam 1e-3) and ms to sample
 * 10,000 points, for RealNVP (8 affine couplings, MLP 2×64), MAF (5 MADE
 * layers 2×64) and a neural spline flow (6 spline couplings, 8 bins, tail
 * bound 4); IAF beside MAF shows sampling in one pass against D passes.
 * Alternating rounds (PyTorch's runs, then latent's); the ratio is the median
 * over rounds of the per-round ratios of median times. Goal: within 1.5x.
 */
import { fileURLToPath } from 'node:url';
import { iaf, maf, nsf, realNVP, setBackend } from '../dist/index.js';
import { twoMoons } from '../dist/datasets.js';
import { median, PYTHON, pythonServer, timesMs, torchAvailable } from './harness.mjs';

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_flows.py', import.meta.url));
// This machine's neighbours slow it by up to 2x for seconds at a time: many short alternating rounds.
const ROUNDS = 11;
const RUNS = { 'train step': 10, 'sample 10,000': 5 };
const BUILDERS = {
  realNVP: () => realNVP({ dim: 2, layers: 8, hiddenSizes: [64, 64], seed: 1 }),
  maf: () => maf({ dim: 2, layers: 5, hiddenSizes: [64, 64], seed: 1 }),
  nsf: () => nsf({ dim: 2, layers: 6, bins: 8, tailBound: 4, hiddenSizes: [64, 64], seed: 1 }),
  iaf: () => iaf({ dim: 2, layers: 5, hiddenSizes: [64, 64], seed: 1 }),
};
const PASSES = { realNVP: '1 pass/layer both ways', maf: 'samples in D = 2 passes/layer (the first on one row)', nsf: '1 pass/layer both ways', iaf: 'samples in 1 pass/layer' };

export async function flows() {
  await setBackend('wasm');
  const torch = torchAvailable() ? pythonServer(TORCH_SCRIPT) : null;
  if (!torch) console.log(`\nflows: PyTorch not importable by ${PYTHON} (apt-get install python3-torch); latent's times only`);
  const batch = twoMoons(256, { seed: 1 });
  console.log(`\nflows on wasm against PyTorch (one thread); ${ROUNDS} alternating rounds of ${RUNS['train step']} steps or ${RUNS['sample 10,000']} samplings; ratio = latent / PyTorch`);
  console.log(`  ${'flow'.padEnd(9)} ${'op'.padEnd(16)} ${'latent ms'.padStart(10)} ${'torch ms'.padStart(9)} ${'ratio'.padStart(7)}   passes`);
  for (const [name, build] of Object.entries(BUILDERS)) {
    const flow = build();
    const ops = {
      'train step': () => flow.fit([batch], { steps: 1 }),
      'sample 10,000': async () => {
        const x = flow.sample(10_000, { seed: 2 });
        await x.data();
        x.dispose();
      },
    };
    for (const [op, run] of Object.entries(ops)) {
      // Warm-up: kernels compiled, Adam's slots made, and V8's optimising compiler done with the step's code
      // (a training run takes thousands of steps; the first few dozen ran up to 2x slower here).
      await timesMs(run, op === 'train step' ? 40 : 3);
      const ratios = [];
      const ours = [];
      const theirs = [];
      for (let round = 0; round < ROUNDS; round++) {
        const torchMs = torch && name !== 'iaf' ? median((await torch.request(JSON.stringify({ flow: name, op: op === 'train step' ? 'step' : 'sample', runs: RUNS[op] }))).ms) : NaN;
        const latentMs = median(await timesMs(run, RUNS[op]));
        ours.push(latentMs);
        theirs.push(torchMs);
        ratios.push(latentMs / torchMs);
      }
      const ratio = median(ratios);
      console.log(
        `  ${name.padEnd(9)} ${op.padEnd(16)} ${median(ours).toFixed(2).padStart(10)} ${Number.isNaN(median(theirs)) ? '—'.padStart(9) : median(theirs).toFixed(2).padStart(9)} ${Number.isNaN(ratio) ? '—'.padStart(7) : `${ratio.toFixed(2)}x`.padStart(7)}   ${PASSES[name]}`,
      );
    }
    flow.dispose();
  }
  batch.dispose();
  torch?.close();
}
