/**
 * Workload: the binarised-digits VAE with an IAF posterior against the
 * diagonal one (the VAE protocol: train rows 0..1499, test rows 1500..1796,
 * encoder 64-256-256-(16 + context), decoder 8-256-256-64, Bernoulli, batch
 * 128, Adam 1e-3, 200 epochs on wasm). Prints the test ELBO (40 single-draw
 * estimates per digit) and the test IWAE-2000 per digit for the diagonal
 * posterior and 2 and 4 IAF layers with a 16-dimensional context.
 * `BENCH_SEEDS=3` averages over seeds (default 1); `BENCH_EPOCHS` shortens a run.
 * PyTorch (the measurement, 3 seeds): IWAE-2000 −17.26 / −17.29 / −17.36,
 * ELBO −18.24 / −18.14 / −18.30.
 */
import * as tf from '@tensorflow/tfjs-core';
import { iaf, MLP, setBackend, VAE } from '../dist/index.js';
import { digits } from '../dist/datasets.js';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 1);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 200);
const CONTEXT = 16;

async function run(layers, seed) {
  const flow = layers === 0 ? undefined : iaf({ dim: 8, layers, hiddenSizes: [64, 64], contextSize: CONTEXT, seed: seed + 10 });
  const encoder = new MLP({ sizes: [64, 256, 256, 16 + (flow ? CONTEXT : 0)], seed });
  const decoder = new MLP({ sizes: [8, 256, 256, 64], seed: seed + 1 });
  const vae = new VAE({ encoder, decoder, latentDim: 8, seed: seed + 2, ...(flow ? { posteriorFlow: flow } : {}) });
  const train = digits({ split: 'train' }).x;
  const test = digits({ split: 'test' }).x;
  const started = performance.now();
  await vae.fit(train, { epochs: EPOCHS, batchSize: 128 });
  const seconds = (performance.now() - started) / 1000;
  let elbo = 0;
  for (let i = 0; i < 40; i++) {
    const ll = await vae.logLikelihood(test, { k: 1, seed: 1000 + i });
    elbo += (await tf.mean(ll).data())[0] / 40;
    ll.dispose();
  }
  const iwae = await vae.logLikelihood(test, { k: 2000, seed: 7 });
  const iwaeMean = (await tf.mean(iwae).data())[0];
  tf.dispose([iwae, train, test]);
  vae.dispose();
  for (const part of [encoder, decoder, flow]) part?.dispose();
  return { elbo, iwae: iwaeMean, seconds };
}

export async function vaeFlow() {
  await setBackend('wasm');
  console.log(`\nVAE posteriors on the digits (wasm, ${EPOCHS} epochs, ${SEEDS} seed(s)): test nats per digit`);
  console.log(`  ${'posterior'.padEnd(14)} ${'ELBO'.padStart(8)} ${'IWAE-2000'.padStart(10)} ${'train s'.padStart(8)}   PyTorch (issue): ELBO / IWAE-2000`);
  const torch = { 0: '−18.24 / −17.26', 2: '−18.14 / −17.29', 4: '−18.30 / −17.36' };
  for (const layers of [0, 2, 4]) {
    const results = [];
    for (let s = 0; s < SEEDS; s++) results.push(await run(layers, 1 + 100 * s));
    const mean = (key) => results.reduce((a, r) => a + r[key], 0) / results.length;
    const name = layers === 0 ? 'diagonal' : `IAF × ${layers}`;
    console.log(`  ${name.padEnd(14)} ${mean('elbo').toFixed(2).padStart(8)} ${mean('iwae').toFixed(2).padStart(10)} ${mean('seconds').toFixed(0).padStart(8)}   ${torch[layers]}`);
  }
}
