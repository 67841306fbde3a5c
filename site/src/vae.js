// VAE: a variational autoencoder with a 2-D latent space trained on the binarised 8×8 digits in this tab
// (VAE.fit yields between steps, so the page stays responsive). After each epoch: the training objective,
// the test ELBO and IWAE_20 bounds, the test digits' posterior means coloured by digit, decoded digits on a
// grid over latent space, reconstructions, and an explorer (click or arrow keys) that decodes one point.
import * as tf from '@tensorflow/tfjs-core';
import { Adam, MLP, VAE } from 'latent';
import { digits } from 'latent/datasets';
import { CLASS_COLOURS, COLOURS, digitImages, dots, lineChart, plane } from './charts.js';
import { button, choice, el, figure, nextFrame, publish, slider, startPage, urlState } from './ui.js';

const GRID = 8;
const state = urlState({ epochs: 20, objective: 'elbo', k: 5, seed: 1, zx: 0, zy: 0 });
const v = state.values;
const page = await startPage({
  id: 'vae',
  title: 'A variational autoencoder',
  intro: 'An encoder q(z | x) and a decoder p(x | z) (two-layer networks, 128 units) learn a 2-D latent space for ' +
    '1500 binarised 8×8 digits, maximising the ELBO (or the importance-weighted bound IWAE_k). ' +
    'Test bounds are on 297 held-out digits; log p(x) lies above both.',
  state,
});

choice(page.controls, { label: 'Objective', value: v.objective, options: [['elbo', 'ELBO'], ['iwae', 'IWAE_k']], onChange: (o) => state.set('objective', o) });
slider(page.controls, { label: 'k (IWAE_k)', min: 2, max: 50, step: 1, value: v.k, onChange: (k) => state.set('k', k) });
slider(page.controls, { label: 'Epochs', min: 1, max: 100, step: 1, value: v.epochs, onChange: (e) => state.set('epochs', e) });
const trainButton = button(page.controls, 'Train', () => train());
const progress = el('progress', { max: 1, value: 0, 'aria-label': 'Training progress' });
page.controls.append(progress);

const curveBody = figure(page.figures, 'Bounds per digit', '— training objective and test bounds (nats; higher is better). Train again with the other objective: the last run\'s test IWAE stays, grey.');
const latentBody = figure(page.figures, 'Latent space', '— posterior means of the test digits; click or use the arrow keys to move the marker.');
const explorerBody = figure(page.figures, 'Decoded at the marker', '');
const gridBody = figure(page.figures, 'Decoded across latent space', `— E[x | z] on a ${GRID}×${GRID} grid over [−2.5, 2.5]².`);
const reconBody = figure(page.figures, 'Reconstructions', '— test digits (top) and E[x | z = posterior mean] (bottom).');

const train0 = digits({ split: 'train' });
const test0 = digits({ split: 'test' });
const testLabels = await test0.labels.array();
let vae = null;
let networks = [];
const history = { objective: [], elbo: [], iwae: [] };
let previous = null; // the last run's test IWAE curve, to compare ELBO with IWAE training
const objectiveName = () => (v.objective === 'elbo' ? 'ELBO' : `IWAE_${v.k}`);

function newVAE() {
  if (history.iwae.length > 0) previous = { name: `test IWAE_20, previous run (${history.trainedWith})`, points: [...history.iwae] };
  vae?.dispose();
  networks.forEach((n) => n.dispose());
  const encoder = new MLP({ sizes: [64, 128, 128, 4], seed: v.seed });
  const decoder = new MLP({ sizes: [2, 128, 128, 64], seed: v.seed + 1 });
  networks = [encoder, decoder];
  const objective = v.objective === 'elbo' ? 'elbo' : { iwae: v.k };
  vae = new VAE({ encoder, decoder, latentDim: 2, likelihood: 'bernoulli', objective, numSamples: v.objective === 'elbo' ? 1 : v.k, optimizer: new Adam(3e-3), seed: v.seed + 2 });
  for (const series of [history.objective, history.elbo, history.iwae]) series.length = 0;
  history.trainedWith = objectiveName();
}

async function meanOf(t) {
  const m = tf.mean(t);
  const value = (await m.data())[0];
  tf.dispose([m, t]);
  return value;
}

async function train() {
  trainButton.disabled = true;
  newVAE();
  await nextFrame(); // building the networks and the first step are separate tasks
  const stepsPerEpoch = Math.ceil(1500 / 128);
  progress.max = v.epochs * stepsPerEpoch;
  let last = performance.now();
  try {
    for (let epoch = 1; epoch <= v.epochs; epoch++) {
      const { losses } = await vae.fit(train0.x, {
        epochs: 1,
        batchSize: 128,
        onStep: ({ step }) => {
          progress.value = step;
          const now = performance.now();
          page.timing(now - last);
          last = now;
        },
      });
      history.objective.push([epoch, -losses.reduce((a, b) => a + b, 0) / losses.length]);
      history.elbo.push([epoch, await meanOf(await vae.logLikelihood(test0.x, { k: 1, seed: 7 }))]);
      history.iwae.push([epoch, await meanOf(await vae.logLikelihood(test0.x, { k: 20, seed: 7, chunkRows: 1024 }))]);
      page.say(`Epoch ${epoch}/${v.epochs}: test ELBO ${history.elbo.at(-1)[1].toFixed(2)}, IWAE_20 ${history.iwae.at(-1)[1].toFixed(2)} nats per digit.`);
      await draw();
      last = performance.now();
    }
  } catch (e) {
    page.say(`Error: ${e.message}`);
    publish({ error: e.message });
  } finally {
    trainButton.disabled = false;
  }
  publish({ history: structuredClone(history), trained: true });
}

async function decodedMeans(z) {
  const means = tf.tidy(() => vae.decode(z).mean());
  const rows = await means.array();
  tf.dispose([means, z]);
  return rows;
}

let latentView = null;
async function drawExplorer() {
  const z = tf.tensor2d([[v.zx, v.zy]]);
  const [image] = await decodedMeans(z);
  digitImages(explorerBody, [image], { columns: 1, cell: 14, label: `the digit decoded at z = (${v.zx.toFixed(1)}, ${v.zy.toFixed(1)})` });
  explorerBody.append(el('p', { class: 'hint' }, `z = (${v.zx.toFixed(2)}, ${v.zy.toFixed(2)})`));
}

async function draw() {
  const means = tf.tidy(() => vae.encode(test0.x).mean());
  const z = await means.array();
  means.dispose();
  latentView = plane(latentBody, { size: 320, lo: -3, hi: 3, label: 'Test digits in latent space, coloured by digit' });
  dots(latentView, z, testLabels.map((l) => CLASS_COLOURS[l]), 2.5);
  const [mx, my] = latentView.toPixel([v.zx, v.zy]);
  latentView.context.strokeStyle = '#000';
  latentView.context.lineWidth = 2;
  latentView.context.strokeRect(mx - 6, my - 6, 12, 12);
  latentView.canvas.tabIndex = 0;
  latentView.canvas.addEventListener('click', (event) => {
    const rect = latentView.canvas.getBoundingClientRect();
    const [zx, zy] = latentView.toPoint(event.clientX - rect.left, event.clientY - rect.top);
    moveMarker(zx, zy);
  });
  latentView.canvas.addEventListener('keydown', (event) => {
    const moves = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    moveMarker(v.zx + move[0], v.zy + move[1]);
  });
  latentBody.append(el('ul', { class: 'legend' }, ...CLASS_COLOURS.map((c, d) => el('li', {}, Object.assign(el('span', { class: 'swatch' }), { style: `border-color:${c}` }), String(d)))));

  const lin = (i) => -2.5 + (5 * i) / (GRID - 1);
  const gridZ = [];
  for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) gridZ.push([lin(c), lin(GRID - 1 - r)]);
  digitImages(gridBody, await decodedMeans(tf.tensor2d(gridZ)), { columns: GRID, cell: 4, gap: 2, label: 'digits decoded on a grid over latent space' });

  const originals = tf.slice(test0.x, [0, 0], [10, 64]);
  const recon = vae.reconstruct(originals);
  digitImages(reconBody, [...(await originals.array()), ...(await recon.array())], { columns: 10, cell: 4, label: 'test digits and their reconstructions' });
  tf.dispose([originals, recon]);

  lineChart(curveBody, [
    { name: `training ${history.trainedWith}`, colour: COLOURS[0], points: history.objective },
    { name: 'test ELBO', colour: COLOURS[1], points: history.elbo },
    { name: 'test IWAE_20', colour: COLOURS[2], points: history.iwae, dashed: true },
    ...(previous ? [{ ...previous, colour: '#999', dashed: true }] : []),
  ], { xLabel: 'epoch', yLabel: 'nats per digit' });
  await drawExplorer();
  await nextFrame();
}

async function moveMarker(zx, zy) {
  state.set('zx', Number(zx.toFixed(2)));
  state.set('zy', Number(zy.toFixed(2)));
  if (vae === null) return;
  const [mx, my] = [v.zx, v.zy];
  await draw();
  latentView.canvas.focus();
  publish({ marker: [mx, my] });
}

// A fresh page's first training step sets up the backend's kernels and memory (about 60 ms on wasm):
// take it now, on a throwaway VAE, so that no step of a training run is a long task.
newVAE();
const warmUpRows = tf.slice(train0.x, [0, 0], [128, 64]);
await vae.fit(warmUpRows, { steps: 1, batchSize: 128 });
warmUpRows.dispose();
vae.dispose();
networks.forEach((n) => n.dispose());
[vae, networks] = [null, []];

publish({ ready: true });
page.say(`Running on ${page.backend}. Press Train.`);
