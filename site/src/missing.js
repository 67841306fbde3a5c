// Missing pixels: a mixture of Bernoulli images, fitted by EM to the binarised training digits, fills in
// the hidden part of a test digit: the posterior over components given the visible pixels only, then the
// expected value of each hidden pixel (BernoulliMixture.reconstruct). Over the whole test set it is
// scored against guessing every hidden pixel from the training set's pixel means.
import * as tf from '@tensorflow/tfjs-core';
import { BernoulliMixture } from 'latent';
import { digits } from 'latent/datasets';
import { COLOURS, digitImages } from './charts.js';
import { button, choice, el, figure, publish, serialQueue, slider, startPage, urlState } from './ui.js';

const MASKS = { top: 'top half hidden', bottom: 'bottom half hidden', left: 'left half hidden', right: 'right half hidden', random: 'random half hidden' };
const state = urlState({ K: 20, mask: 'top', index: 0, seed: 1 });
const v = state.values;
const page = await startPage({
  id: 'missing',
  title: 'Missing pixels',
  intro: 'A mixture of K Bernoulli images is fitted by EM to 1500 binarised digits. Given only the visible part of a test ' +
    'digit, it weighs its components by how well they explain what is visible, and fills in each hidden pixel with ' +
    'the probability that it is on.',
  state,
});

const queue = serialQueue(page);
slider(page.controls, { label: 'Components K', min: 2, max: 60, step: 1, value: v.K, onChange: (k) => { state.set('K', k); queue(fit); } });
choice(page.controls, { label: 'Hidden', value: v.mask, options: Object.entries(MASKS), onChange: (m) => { state.set('mask', m); queue(async () => { await score(); await show(); }); } });
slider(page.controls, { label: 'Test digit', min: 0, max: 296, step: 1, value: v.index, onInput: (i) => { state.set('index', i); queue(show); } });
const fitButton = button(page.controls, 'Refit', () => queue(fit));

const digitBody = figure(page.figures, 'Filling in', '— the digit, what the model sees (orange: hidden), and its fill-in (grey level: P(pixel on)).');
const componentsBody = figure(page.figures, 'Components it used', '— the most probable components given the visible pixels.');
const scoreBody = figure(page.figures, 'Hidden pixels guessed right', '— on all 297 test digits (threshold ½).');

const train = digits({ split: 'train' }).x;
const test = digits({ split: 'test' }).x;
const testRows = await test.array();
let model = null;

/** 1 where a pixel is visible. */
function maskRow(kind, row) {
  let random = 12345 + row;
  return Array.from({ length: 64 }, (_, p) => {
    const [y, x] = [Math.floor(p / 8), p % 8];
    if (kind === 'top') return y < 4 ? 0 : 1;
    if (kind === 'bottom') return y >= 4 ? 0 : 1;
    if (kind === 'left') return x < 4 ? 0 : 1;
    if (kind === 'right') return x >= 4 ? 0 : 1;
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648 < 0.5 ? 0 : 1;
  });
}

async function fit() {
  fitButton.disabled = true;
  try {
    model?.dispose();
    model = new BernoulliMixture({ nComponents: v.K, seed: v.seed, maxIter: 60 });
    const started = performance.now();
    await model.fit(train, { onIteration: ({ iteration, logLikelihood }) => page.say(`EM iteration ${iteration}: log-likelihood ${logLikelihood.toFixed(2)} per digit`) });
    page.timing((performance.now() - started) / model.nIter, 'EM step');
    await score();
    await show();
  } finally {
    fitButton.disabled = false;
  }
}

async function score() {
  const masks = testRows.map((_, i) => maskRow(v.mask, i));
  const { posterior, mean } = model.reconstruct(test, masks);
  const trainMeans = tf.mean(train, 0);
  const [filled, pixelMeans] = await Promise.all([mean.array(), trainMeans.array()]);
  tf.dispose([posterior, mean, trainMeans]);
  let right = 0;
  let baseline = 0;
  let hidden = 0;
  testRows.forEach((row, i) => row.forEach((pixel, p) => {
    if (masks[i][p] === 1) return;
    hidden++;
    if ((filled[i][p] > 0.5 ? 1 : 0) === pixel) right++;
    if ((pixelMeans[p] > 0.5 ? 1 : 0) === pixel) baseline++;
  }));
  const result = { accuracy: right / hidden, baseline: baseline / hidden, hidden };
  scoreBody.replaceChildren(el('table', { class: 'numbers' },
    el('tr', {}, el('th', {}, `mixture of ${v.K}`), el('td', {}, `${(100 * result.accuracy).toFixed(1)} %`)),
    el('tr', {}, el('th', {}, 'training pixel means'), el('td', {}, `${(100 * result.baseline).toFixed(1)} %`)),
    el('tr', {}, el('th', {}, 'hidden pixels'), el('td', {}, String(hidden)))));
  publish({ score: result });
}

async function show() {
  if (model === null) return;
  const row = testRows[v.index];
  const mask = maskRow(v.mask, v.index);
  const { posterior, mean } = model.reconstruct([row], [mask]);
  const [[weights], [filled], probs] = await Promise.all([posterior.array(), mean.array(), model.probs.array()]);
  tf.dispose([posterior, mean]);
  digitImages(digitBody, [row, row.map((p, i) => (mask[i] ? p : NaN)), filled], { columns: 3, cell: 10, gap: 12, label: 'the test digit, its visible part, and the fill-in' });
  const top = weights.map((w, k) => [w, k]).sort((a, b) => b[0] - a[0]).slice(0, 5);
  digitImages(componentsBody, top.map(([, k]) => probs[k]), { columns: 5, cell: 6, gap: 10, label: 'the most probable components' });
  componentsBody.append(el('p', { class: 'hint', style: `color:${COLOURS[0]}` }, `posterior weights: ${top.map(([w]) => w.toFixed(2)).join(', ')}`));
  publish({ shown: { index: v.index, mask: v.mask, weights: top.map(([w]) => w) }, ready: true });
}

await fit();
