// Bounds: z ~ N(0, 1), x | z ~ N(z, 1), so log p(x) = log N(x; 0, 2) is known exactly and the posterior is
// N(x/2, 1/2). Sliders move q = N(m, s); the page shows ELBO, IWAE_k and importance-sampling estimates
// from RUNS independent repetitions (one batch: RUNS copies of the data point), the three decompositions
// of the ELBO, and the variance of four gradient estimators as k grows.
import * as tf from '@tensorflow/tfjs-core';
import { elbo, elboTerms, importanceSampling, iwae, iwaeLoss, Normal } from 'latent';
import { COLOURS, lineChart, signedBars } from './charts.js';
import { el, figure, nextFrame, publish, slider, startPage, urlState } from './ui.js';

const RUNS = 32;
const GRADIENT_KS = [1, 2, 5, 10, 20, 50];
const ESTIMATORS = ['pathwise', 'score', 'stl', 'dreg'];

const state = urlState({ x: 1.5, m: 0.3, logs: -0.8, k: 10, groups: 10, seed: 1 });
const page = await startPage({
  id: 'bounds',
  title: 'Bounds on the evidence',
  intro: 'The model: z ~ N(0, 1), x | z ~ N(z, 1), so log p(x) is known exactly and the posterior is N(x/2, ½). ' +
    'Move q = N(m, s) and watch the ELBO, the importance-weighted bound IWAE_k and the importance-sampling estimate ' +
    `(each repeated ${RUNS} times) against log p(x). With q equal to the posterior, every estimate is exact.`,
  state,
});
const v = state.values;
const fixed = (d) => (value) => value.toFixed(d);
for (const [key, label, min, max, step, format] of [
  ['x', 'Observed x', -4, 4, 0.1, fixed(1)],
  ['m', 'q mean m', -4, 4, 0.05, fixed(2)],
  ['logs', 'q log sd', -3, 1, 0.05, (l) => `${l.toFixed(2)} (s = ${Math.exp(l).toFixed(2)})`],
  ['k', 'k (draws per IWAE bound)', 1, 100, 1, String],
  ['groups', 'Bounds averaged per estimate', 1, 100, 1, String],
]) {
  slider(page.controls, { label, min, max, step, value: v[key], format, onInput: (value) => { state.set(key, value); schedule(); } });
}
page.controls.append(el('p', { class: 'hint' }, 'Posterior: m = x/2, log sd = −0.35. Each estimate uses k × bounds draws.'));

const estimatesBody = figure(page.figures, 'Estimates of log p(x)', `— ${RUNS} repetitions each: dots are single estimates, the dashed line the exact value.`);
const table = el('table', { class: 'numbers' });
const strip = el('div');
estimatesBody.append(table, strip);
const barsBody = figure(page.figures, 'Three decompositions of the same ELBO', '— averaged over the repetitions.');
const varianceBody = figure(page.figures, 'Gradient variance', `— of ∂(IWAE_k)/∂m over ${RUNS} repetitions (2k draws each), as k grows.`);

/** RUNS copies of the model at x, with q = N(m, s). The caller disposes everything in a tidy. */
function model({ x, m, logs }) {
  const data = tf.fill([RUNS], x);
  const prior = new Normal({ loc: tf.zeros([RUNS]), scale: 1 });
  const logLikelihood = (z) => new Normal({ loc: z, scale: 1 }).logProb(data);
  const logJoint = (z) => tf.add(prior.logProb(z), logLikelihood(z));
  const q = new Normal({ loc: tf.fill([RUNS], m), scale: tf.fill([RUNS], Math.exp(logs)) });
  return { prior, logLikelihood, logJoint, q };
}

const summary = (values) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd, values };
};

async function estimates() {
  const { x, k, groups, seed } = v;
  const exact = -(x * x) / 4 - 0.5 * Math.log(4 * Math.PI);
  const numSamples = k * groups;
  const tensors = tf.tidy(() => {
    const { prior, logLikelihood, logJoint, q } = model(v);
    const is = importanceSampling({ logJoint, proposal: q, numSamples, seed });
    const terms = elboTerms({ logLikelihood, prior, q, numSamples, seed, logEvidence: tf.fill([RUNS], exact) });
    return {
      elbo: elbo({ logJoint, q, numSamples, seed }),
      iwae: iwae({ logJoint, q, k, numSamples, seed }),
      is: is.logEvidence,
      energy: terms.expectedLogJoint,
      entropy: terms.entropy,
      reconstruction: terms.expectedLogLikelihood,
      kl: terms.kl,
      gap: terms.posteriorGap,
    };
  });
  const out = { exact };
  for (const [name, t] of Object.entries(tensors)) out[name] = summary(Array.from(await t.data()));
  tf.dispose(tensors);
  return out;
}

async function gradientVariances() {
  const result = Object.fromEntries(ESTIMATORS.map((e) => [e, []]));
  const loc = tf.tidy(() => tf.variable(tf.fill([RUNS], v.m))); // tidy frees the fill; a variable outlives it
  try {
    for (const k of GRADIENT_KS) {
      for (const gradient of ESTIMATORS) {
        const g = tf.tidy(() => {
          const { logJoint } = model(v);
          const q = () => new Normal({ loc, scale: tf.fill([RUNS], Math.exp(v.logs)) });
          // The loss averages over the RUNS copies: RUNS × its gradient is each copy's own.
          const { grads } = tf.variableGrads(() => iwaeLoss({ logJoint, q: q(), k, numSamples: 2 * k, seed: v.seed + k, gradient }), [loc]);
          return tf.mul(grads[loc.name], RUNS);
        });
        result[gradient].push([k, summary(Array.from(await g.data())).sd ** 2]);
        g.dispose();
      }
      await nextFrame();
    }
  } finally {
    loc.dispose();
  }
  return result;
}

function draw(r, variance) {
  const rows = [['ELBO', r.elbo], [`IWAE_${v.k}`, r.iwae], ['Importance sampling', r.is]];
  table.replaceChildren(
    el('tr', {}, ...['', 'mean', 'spread (sd)', 'exact log p(x)'].map((h) => el('th', {}, h))),
    ...rows.map(([name, s]) => el('tr', {}, el('th', {}, name), el('td', {}, s.mean.toFixed(4)), el('td', {}, s.sd.toFixed(4)), el('td', {}, r.exact.toFixed(4)))),
  );
  lineChart(strip, rows.map(([name, s], i) => ({ name, colour: COLOURS[i], dotsOnly: true, points: s.values.map((y, j) => [j + 1, y]) })), {
    xLabel: 'repetition', yLabel: 'estimate', rules: [{ name: 'log p(x)', y: r.exact, colour: '#000' }],
  });
  const mean = (s) => s.mean;
  signedBars(barsBody, [
    { name: 'energy + entropy', parts: [{ name: 'E_q log p(x, z)', value: mean(r.energy), colour: COLOURS[0] }, { name: 'H[q]', value: mean(r.entropy), colour: COLOURS[1] }] },
    { name: 'reconstruction − KL', parts: [{ name: 'E_q log p(x | z)', value: mean(r.reconstruction), colour: COLOURS[2] }, { name: '−KL(q ‖ p(z))', value: -mean(r.kl), colour: COLOURS[3] }] },
    { name: 'log p(x) − gap', parts: [{ name: 'log p(x)', value: r.exact, colour: COLOURS[4] }, { name: '−KL(q ‖ p(z | x))', value: -mean(r.gap), colour: COLOURS[5] }] },
  ], { marker: { name: 'ELBO', value: mean(r.elbo) } });
  if (variance) {
    lineChart(varianceBody, ESTIMATORS.map((e, i) => ({ name: e, colour: COLOURS[i], points: variance[e] })), { xLabel: 'k', yLabel: 'variance', logY: true });
  }
}

let running = false;
let dirty = true;
let updates = 0;
async function update() {
  if (running) return;
  running = true;
  try {
    while (dirty) {
      dirty = false;
      const started = performance.now();
      const r = await estimates();
      page.timing(performance.now() - started, 'update');
      draw(r);
      publish({ estimates: r, ready: false });
      await nextFrame();
      if (dirty) continue;
      const variance = await gradientVariances();
      if (dirty) continue;
      draw(r, variance);
      publish({ estimates: r, variance, updates: ++updates, ready: true });
      page.say(`Running on ${page.backend}. Updated.`);
    }
  } catch (e) {
    page.say(`Error: ${e.message}`);
    publish({ error: e.message });
  } finally {
    running = false;
  }
}
function schedule() {
  dirty = true;
  publish({ ready: false });
  requestAnimationFrame(update);
}
schedule();
