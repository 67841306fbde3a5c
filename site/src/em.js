// EM: a GaussianMixture fitted to 2-D points one EM iteration at a time (maxIter 1, warmStart), so that
// every step can be drawn: responsibilities as mixed colours, 1- and 2-sd ellipses, the log-likelihood
// curve (EM never lowers it), and BIC against K from fresh fits. Clicking the plot adds a point.
import * as tf from '@tensorflow/tfjs-core';
import { GaussianMixture } from 'latent';
import { checkerboard, eightGaussians, pinwheel, rings, twoMoons } from 'latent/datasets';
import { CLASS_COLOURS, dots, lineChart, mix, plane } from './charts.js';
import { button, choice, el, figure, nextFrame, publish, serialQueue, slider, startPage, urlState } from './ui.js';

const DATASETS = { eightGaussians, pinwheel, twoMoons, rings, checkerboard };
const MAX_K = 10;

const state = urlState({ dataset: 'pinwheel', n: 400, K: 5, cov: 'full', seed: 1, steps: 0, added: '' });
const v = state.values;
const page = await startPage({
  id: 'em',
  title: 'EM for Gaussian mixtures',
  intro: 'Each Step is one EM iteration: the E-step colours every point by its responsibilities, the M-step moves the ' +
    'components (ellipses at 1 and 2 standard deviations). The mean log-likelihood per point never falls. ' +
    'Click the plot to add points; BIC compares numbers of components.',
  state,
});

let points = [];
let model = null;
let curve = [];
let bics = [];
let runController = null;
let loaded = false; // ready only once the URL's steps are replayed

const queue = serialQueue(page);
const restart = () => {
  model?.dispose();
  model = null;
  curve = [];
  state.set('steps', 0);
  return draw();
};
const reload = async () => {
  await loadPoints();
  return restart();
};
choice(page.controls, { label: 'Data', value: v.dataset, options: Object.keys(DATASETS).map((d) => [d, d]), onChange: (d) => { state.set('dataset', d); state.set('added', ''); runController?.abort(); queue(reload); } });
slider(page.controls, { label: 'Points', min: 50, max: 2000, step: 50, value: v.n, onChange: (n) => { state.set('n', n); runController?.abort(); queue(reload); } });
slider(page.controls, { label: 'Components K', min: 1, max: MAX_K, step: 1, value: v.K, onChange: (k) => { state.set('K', k); runController?.abort(); queue(restart); } });
choice(page.controls, { label: 'Covariance', value: v.cov, options: ['full', 'tied', 'diag', 'spherical'].map((c) => [c, c]), onChange: (c) => { state.set('cov', c); runController?.abort(); queue(restart); } });
const stepButton = button(page.controls, 'Step', () => queue(step));
const runButton = button(page.controls, 'Run', () => run());
button(page.controls, 'Reset', () => { runController?.abort(); queue(restart); });
const bicButton = button(page.controls, `BIC for K = 1…${MAX_K}`, () => queue(bicCurve));

const planeBody = figure(page.figures, 'Points and components', '— colour: responsibilities; click to add a point.');
const curveBody = figure(page.figures, 'Log-likelihood', '— mean per point, after each EM step.');
const bicBody = figure(page.figures, 'BIC against K', '— lower is better; each K fitted from scratch (k-means++, 100 iterations).');

async function loadPoints() {
  const t = DATASETS[v.dataset](v.n, { seed: v.seed });
  points = await t.array();
  t.dispose();
  for (const pair of v.added.split(';').filter(Boolean)) points.push(pair.split(',').map(Number));
}

function newModel() {
  return new GaussianMixture({ nComponents: v.K, covarianceType: v.cov, maxIter: 1, warmStart: true, tol: 0, seed: v.seed });
}

async function step() {
  model ??= newModel();
  const started = performance.now();
  await model.fit(points);
  page.timing(performance.now() - started);
  curve.push(model.lowerBound);
  state.set('steps', curve.length);
  await draw();
}

async function run() {
  if (runController) return runController.abort();
  runController = new AbortController();
  publish({ running: true });
  runButton.textContent = 'Stop';
  stepButton.disabled = true;
  try {
    for (let i = 0; i < 100 && !runController.signal.aborted; i++) {
      await queue(step);
      const n = curve.length;
      if (n > 1 && curve[n - 1] - curve[n - 2] < 1e-4) break;
      await nextFrame();
    }
  } finally {
    runController = null;
    publish({ running: false });
    runButton.textContent = 'Run';
    stepButton.disabled = false;
  }
}

/** Full 2×2 covariance of each component, whatever the covariance type. */
function fullCovariances(covariances, K) {
  if (v.cov === 'full') return covariances;
  if (v.cov === 'tied') return Array.from({ length: K }, () => covariances);
  if (v.cov === 'diag') return covariances.map(([a, c]) => [[a, 0], [0, c]]);
  return covariances.map((s) => [[s, 0], [0, s]]);
}

function ellipse(view, [mx, my], [[a, b], [, c]], sd, colour) {
  const mean = (a + c) / 2;
  const root = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const angle = 0.5 * Math.atan2(2 * b, a - c);
  const unit = view.size / (view.hi - view.lo);
  const [px, py] = view.toPixel([mx, my]);
  view.context.strokeStyle = colour;
  view.context.lineWidth = sd === 1 ? 2 : 1;
  view.context.setLineDash(sd === 1 ? [] : [5, 4]);
  view.context.beginPath();
  view.context.ellipse(px, py, sd * unit * Math.sqrt(mean + root), sd * unit * Math.sqrt(Math.max(mean - root, 0)), -angle, 0, 2 * Math.PI);
  view.context.stroke();
  view.context.setLineDash([]);
}

async function draw() {
  const view = plane(planeBody, { size: 420, lo: -4.5, hi: 4.5, label: 'Data points coloured by component responsibilities, with component ellipses' });
  view.canvas.addEventListener('click', (event) => {
    const rect = view.canvas.getBoundingClientRect();
    const p = view.toPoint(event.clientX - rect.left, event.clientY - rect.top).map((c) => Number(c.toFixed(2)));
    points.push(p);
    state.set('added', [v.added, p.join(',')].filter(Boolean).join(';'));
    queue(draw);
  });
  let colours = '#777';
  if (model?.isFitted) {
    const proba = model.predictProba(points);
    colours = (await proba.array()).map((r) => mix(CLASS_COLOURS, r));
    proba.dispose();
  }
  dots(view, points, colours);
  if (model?.isFitted) {
    const means = await model.means.array();
    const covariances = fullCovariances(await model.covariances.array(), v.K);
    means.forEach((m, k) => {
      for (const sd of [1, 2]) ellipse(view, m, covariances[k], sd, sd === 1 ? '#000' : CLASS_COLOURS[k]);
    });
  }
  lineChart(curveBody, [{ name: 'log-likelihood per point', colour: CLASS_COLOURS[0], points: curve.map((y, i) => [i + 1, y]) }], { xLabel: 'EM step', yLabel: 'nats per point' });
  publish({ logLikelihoods: [...curve], steps: curve.length, points: points.length, bic: bics, ready: loaded });
}

async function bicCurve() {
  bicButton.disabled = true;
  bics = [];
  try {
    for (let k = 1; k <= MAX_K; k++) {
      page.say(`Fitting K = ${k}…`);
      const m = new GaussianMixture({ nComponents: k, covarianceType: v.cov, seed: v.seed });
      await m.fit(points);
      bics.push([k, await m.bic(points)]);
      m.dispose();
      lineChart(bicBody, [{ name: 'BIC', colour: CLASS_COLOURS[3], points: bics }], { xLabel: 'K', yLabel: 'BIC' });
      await nextFrame();
    }
    const best = bics.reduce((a, b) => (b[1] < a[1] ? b : a));
    page.say(`Lowest BIC at K = ${best[0]}.`);
  } finally {
    bicButton.disabled = false;
  }
  publish({ bic: bics });
}

await loadPoints();
const replay = v.steps;
state.set('steps', 0);
for (let i = 0; i < replay; i++) await step();
loaded = true;
await draw();
bicBody.append(el('p', { class: 'hint' }, 'Press the BIC button to compute it.'));
