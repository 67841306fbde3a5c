/**
 * `node examples/flow-moons.mjs` (after `npm run build`): a neural spline
 * flow learns the two-moons density by maximum likelihood (fresh points each
 * batch), prints the test negative log-likelihood against the data's entropy
 * (≈ 2.39 nats, the best any model can do), and writes out/flow-moons.svg:
 * the learned density as a heat map beside 2,000 of its samples.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, nsf } from '../dist/index.js';
import { twoMoons } from '../dist/datasets.js';

// `node examples/flow-moons.mjs cpu` picks a backend; the default is the first that works here.
const { backend } = await initBackend(process.argv[2] ? { prefer: [process.argv[2]] } : {});
const steps = 600;
const flow = nsf({ dim: 2, layers: 6, bins: 8, tailBound: 4, hiddenSizes: [64, 64], seed: 1 });
const batches = { *[Symbol.iterator]() { for (let i = 0; i < steps; i++) yield twoMoons(256, { seed: 10_000 + i }); } };
const started = performance.now();
await flow.fit(batches, { onStep: ({ step, loss }) => { if (step % 150 === 0) console.log(`  step ${step}: loss ${loss.toFixed(3)}`); } });
const seconds = (performance.now() - started) / 1000;
const test = twoMoons(20_000, { seed: 7 });
const nll = -(await tf.mean(flow.logProb(test)).data())[0];
console.log(`two moons, nsf (6 spline couplings) on ${backend}: ${steps} steps of 256 in ${seconds.toFixed(1)} s, test NLL ${nll.toFixed(3)} nats (data entropy ≈ 2.39)`);

// The density on a grid and the samples, in the data's coordinates.
const [lo, hi, cells] = [-4, 4, 80];
const centres = Array.from({ length: cells }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / cells);
const grid = tf.tensor2d(centres.flatMap((y) => centres.map((x) => [x, -y])));
const density = Array.from(await tf.exp(flow.logProb(grid)).data());
const samples = await flow.sample(2000, { seed: 3 }).array();
tf.dispose([grid, test]);
flow.dispose();

const size = 400;
const gap = 40;
const cell = size / cells;
const top = Math.max(...density);
// viridis-like ramp (colour-blind safe): dark blue → teal → yellow.
const ramp = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const colour = (t) => {
  const s = Math.min(0.9999, t) * (ramp.length - 1);
  const [a, b] = [ramp[Math.floor(s)], ramp[Math.floor(s) + 1]];
  const f = s - Math.floor(s);
  return `rgb(${a.map((v, i) => Math.round(v + f * (b[i] - v))).join(',')})`;
};
const px = (x) => ((x - lo) / (hi - lo)) * size;
const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${2 * size + gap}" height="${size + 30}" font-family="sans-serif" font-size="13">`, `<rect width="100%" height="100%" fill="white"/>`];
density.forEach((d, i) => svg.push(`<rect x="${(i % cells) * cell}" y="${Math.floor(i / cells) * cell}" width="${cell + 0.5}" height="${cell + 0.5}" fill="${colour(d / top)}"/>`));
svg.push(`<g transform="translate(${size + gap} 0)"><rect width="${size}" height="${size}" fill="none" stroke="#999"/>`);
for (const [x, y] of samples) if (x > lo && x < hi && y > lo && y < hi) svg.push(`<circle cx="${px(x).toFixed(1)}" cy="${(size - px(y)).toFixed(1)}" r="1.3" fill="#21918c" fill-opacity="0.6"/>`);
svg.push('</g>');
svg.push(`<text x="${size / 2}" y="${size + 20}" text-anchor="middle">learned density p(x)</text>`);
svg.push(`<text x="${size + gap + size / 2}" y="${size + 20}" text-anchor="middle">2,000 samples from the flow</text>`);
svg.push('</svg>');
mkdirSync('out', { recursive: true });
writeFileSync('out/flow-moons.svg', svg.join('\n'));
console.log('wrote out/flow-moons.svg');
