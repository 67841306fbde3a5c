// Flows: a normalizing flow learns a 2-D toy density by maximum likelihood, with fresh points every batch.
// Every CHUNK steps: the test negative log-likelihood against the data's entropy (the best any model can
// do), the learned density as a heat map, samples, and how each layer warps the Gaussian it starts from.
import * as tf from '@tensorflow/tfjs-core';
import { Chain, maf, nsf, realNVP } from 'latent';
import { checkerboard, eightGaussians, pinwheel, rings, twoMoons } from 'latent/datasets';
import { COLOURS, dots, heatmap, lineChart, plane, ramp } from './charts.js';
import { button, choice, el, figure, nextFrame, publish, serialQueue, slider, startPage, urlState } from './ui.js';

const DATASETS = { twoMoons, eightGaussians, checkerboard, pinwheel, rings };
const ENTROPY = { twoMoons: 2.392, eightGaussians: 2.834, checkerboard: Math.log(32) }; // issue 13's reference values
const BUILDERS = {
  realNVP: (seed) => realNVP({ dim: 2, layers: 6, hiddenSizes: [64, 64], learningRate: 3e-3, seed }),
  maf: (seed) => maf({ dim: 2, layers: 5, hiddenSizes: [64, 64], learningRate: 3e-3, seed }),
  nsf: (seed) => nsf({ dim: 2, layers: 4, bins: 8, tailBound: 4, hiddenSizes: [64, 64], learningRate: 3e-3, seed }),
};
const CHUNK = 25;
const GRID = 64;

const state = urlState({ dataset: 'twoMoons', flow: 'nsf', steps: 1000, batch: 256, seed: 1 });
const v = state.values;
const page = await startPage({
  id: 'flows',
  title: 'Normalizing flows',
  intro: 'A flow pushes a standard Gaussian through invertible layers; log p(x) follows from the change of variables. ' +
    'Trained by maximum likelihood on fresh points every batch, its test negative log-likelihood falls towards the ' +
    "data's entropy.",
  state,
});

choice(page.controls, { label: 'Data', value: v.dataset, options: Object.keys(DATASETS).map((d) => [d, d]), onChange: (d) => { state.set('dataset', d); queue(reset); } });
choice(page.controls, { label: 'Flow', value: v.flow, options: [['realNVP', 'RealNVP (affine couplings)'], ['maf', 'MAF (MADE layers)'], ['nsf', 'Spline couplings (NSF)']], onChange: (f) => { state.set('flow', f); queue(reset); } });
slider(page.controls, { label: 'Steps', min: 100, max: 5000, step: 100, value: v.steps, onChange: (s) => state.set('steps', s) });
slider(page.controls, { label: 'Batch', min: 64, max: 1024, step: 64, value: v.batch, onChange: (b) => state.set('batch', b) });
const trainButton = button(page.controls, 'Train', () => toggle());
const stepsShown = el('output', {}, 'step 0');
page.controls.append(stepsShown);

const curveBody = figure(page.figures, 'Test negative log-likelihood', '— nats per point on 2000 held-out points; dashed: the data\'s entropy.');
const densityBody = figure(page.figures, 'Learned density', '— p(x) on [−4, 4]².');
const samplesBody = figure(page.figures, 'Samples', '— 1000 draws from the flow (blue) over 1000 data points (grey).');
const warpsBody = figure(page.figures, 'Layer by layer', '— Gaussian draws (coloured by angle) after each trainable layer.');

const queue = serialQueue(page);
let flow = null;
let done = 0;
let curve = [];
let running = null;
const testPoints = () => DATASETS[v.dataset](2000, { seed: 999 });

let training = Promise.resolve();

/** A new flow (after the training run in progress, if any, has stopped). */
async function reset() {
  running?.abort();
  await training;
  flow?.dispose();
  flow = BUILDERS[v.flow](v.seed);
  done = 0;
  curve = [];
  await draw();
}

function toggle() {
  if (running) return running.abort();
  training = train();
}

async function train() {
  running = new AbortController();
  trainButton.textContent = 'Pause';
  const { signal } = running;
  try {
    while (done < v.steps && !signal.aborted) {
      const first = done;
      const count = Math.min(CHUNK, v.steps - done);
      const batches = { *[Symbol.iterator]() { for (let i = 0; i < count; i++) yield DATASETS[v.dataset](v.batch, { seed: 100_000 * v.seed + first + i }); } };
      const started = performance.now();
      await flow.fit(batches, { signal });
      done += count;
      page.timing((performance.now() - started) / count);
      await draw();
    }
  } catch (e) {
    if (!signal.aborted) {
      page.say(`Error: ${e.message}`);
      publish({ error: e.message });
    }
  } finally {
    running = null;
    trainButton.textContent = 'Train';
    publish({ trained: done >= v.steps });
  }
}

async function draw() {
  const test = testPoints();
  const nllTensor = tf.tidy(() => tf.neg(tf.mean(flow.logProb(test))));
  const nll = (await nllTensor.data())[0];
  curve.push([done, nll]);
  stepsShown.textContent = `step ${done}: test NLL ${nll.toFixed(3)}`;
  const rules = ENTROPY[v.dataset] === undefined ? [] : [{ name: 'data entropy', y: ENTROPY[v.dataset], colour: '#000' }];
  lineChart(curveBody, [{ name: v.flow, colour: COLOURS[0], points: curve }], { xLabel: 'step', yLabel: 'nats per point', rules });

  const centres = Array.from({ length: GRID }, (_, i) => -4 + ((i + 0.5) * 8) / GRID);
  const grid = tf.tensor2d(centres.flatMap((y) => centres.map((x) => [x, -y])));
  const density = tf.tidy(() => tf.exp(flow.logProb(grid)));
  const densityView = plane(densityBody, { size: 320, label: 'the learned density as a heat map' });
  heatmap(densityView, Array.from(await density.data()), GRID);

  const drawn = flow.sample(1000, { seed: 5 });
  const samplesView = plane(samplesBody, { size: 320, label: 'samples from the flow over data points' });
  const shown = tf.slice(test, [0, 0], [1000, 2]);
  dots(samplesView, await shown.array(), '#bbb', 1.6);
  dots(samplesView, await drawn.array(), COLOURS[0], 1.6);
  tf.dispose([test, shown, nllTensor, grid, density, drawn]);

  await drawWarps();
  publish({ nll: [...curve], steps: done, ready: true });
  await nextFrame();
}

/** Base draws pushed through the flow's layers one at a time (sampling order: the chain's last piece first). */
async function drawWarps() {
  const pieces = flow.bijector instanceof Chain ? [...flow.bijector.bijectors].reverse() : [flow.bijector];
  let x = tf.randomNormal([600, 2], 0, 1, 'float32', 7);
  const base = await x.array();
  const colours = base.map(([a, b]) => `rgb(${ramp((Math.atan2(b, a) + Math.PI) / (2 * Math.PI)).join(',')})`);
  const panels = [['base N(0, I)', base]];
  for (const [i, piece] of pieces.entries()) {
    const next = piece.forward(x);
    x.dispose();
    x = next;
    if (piece.variables.length > 0 || i === pieces.length - 1) panels.push([`after layer ${panels.length}`, await x.array()]);
  }
  x.dispose();
  warpsBody.replaceChildren();
  const row = el('div', { style: 'display:flex;flex-wrap:wrap;gap:6px;max-width:480px' });
  for (const [label, points] of panels) {
    const cell = el('div', {}, el('div', { class: 'hint' }, label));
    const view = plane(el('div'), { size: 110, lo: -4, hi: 4, label });
    dots(view, points, colours, 1.2);
    cell.append(view.canvas);
    row.append(cell);
  }
  warpsBody.append(row);
}

await reset();
