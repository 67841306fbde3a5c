/**
 * `node examples/vae-digits.mjs` (after `npm run build`): trains a variational
 * autoencoder on the binarised 8×8 digits (from latent/datasets)
 * with a progress line per epoch, estimates the test log-likelihood with
 * IWAE-1000, and writes out/vae-digits.svg: test digits, their
 * reconstructions, and digits sampled from the model. Plain SVG, no dependency.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, MLP, VAE } from '../dist/index.js';
import { digits } from '../dist/datasets.js';

// `node examples/vae-digits.mjs cpu 5` picks a backend and the number of epochs.
const { backend } = await initBackend(process.argv[2] ? { prefer: [process.argv[2]] } : {});
const epochs = Number(process.argv[3] ?? 20);
console.log(`\nVAE on binarised digits — backend: ${backend}`);

// 64 pixels per digit, on where the grey level is at least 8 of 16: 1500 training and 297 test digits.
const train = digits({ split: 'train' }).x;
const test = digits({ split: 'test' }).x;

const encoder = new MLP({ sizes: [64, 256, 256, 16], seed: 1 }); // → mean and raw scale of q(z | x), z in 8 dimensions
const decoder = new MLP({ sizes: [8, 256, 256, 64], seed: 2 }); // → Bernoulli logits of the 64 pixels
const vae = new VAE({ encoder, decoder, latentDim: 8, likelihood: 'bernoulli', objective: 'elbo', optimizer: tf.train.adam(3e-3), seed: 3 });

let start = performance.now();
await vae.fit(train, {
  epochs,
  batchSize: 128,
  onEpoch: ({ epoch, loss }) => {
    const ms = performance.now() - start;
    console.log(`epoch ${String(epoch).padStart(3)}/${epochs}   −ELBO ${loss.toFixed(2)} nats per digit   ${ms.toFixed(0)} ms`);
    start = performance.now();
  },
});
const logLik = await vae.logLikelihood(test, { k: 1000, seed: 4 });
const meanLogLik = (await tf.mean(logLik).data())[0];
console.log(`test log-likelihood (IWAE-1000): ${meanLogLik.toFixed(2)} nats per digit`);

// The picture: 10 test digits, their reconstructions, and 20 digits from the model (E[x | z], z ~ N(0, I)).
const originals = await tf.slice(test, [0, 0], [10, 64]).array();
const recon = tf.tidy(() => vae.reconstruct(tf.slice(test, [0, 0], [10, 64])));
const reconstructions = await recon.array();
const drawn = vae.sample(20, { seed: 5, mean: true });
const samples = await drawn.array();
tf.dispose([recon, drawn, logLik, train, test]);
vae.dispose();
encoder.dispose();
decoder.dispose();

const cell = 6; // pixels per digit pixel
const gap = 8;
const size = 8 * cell;
const rowsOfDigits = [
  ['test digits', originals],
  ['reconstructions', reconstructions],
  ['samples', samples.slice(0, 10)],
  ['', samples.slice(10)],
];
const labelWidth = 120;
const width = labelWidth + 10 * (size + gap);
const height = rowsOfDigits.length * (size + gap) + 30;
const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`];
parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
parts.push(`<text x="4" y="${height - 8}" fill="#555">VAE, latent dim 8, ${epochs} epochs, test log-likelihood ${meanLogLik.toFixed(2)} nats</text>`);
rowsOfDigits.forEach(([label, digits], r) => {
  const y0 = r * (size + gap) + 4;
  parts.push(`<text x="4" y="${y0 + size / 2 + 4}">${label}</text>`);
  digits.forEach((pixels, c) => {
    const x0 = labelWidth + c * (size + gap);
    pixels.forEach((p, i) => {
      const grey = Math.round(255 * (1 - Math.min(1, Math.max(0, p))));
      const x = x0 + (i % 8) * cell;
      const y = y0 + Math.floor(i / 8) * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${grey},${grey},${grey})"/>`);
    });
  });
});
parts.push('</svg>');
mkdirSync('out', { recursive: true });
writeFileSync('out/vae-digits.svg', parts.join('\n'));
console.log('wrote out/vae-digits.svg');
