// What every playground page shares: the header with the page links and the backend picker, the
// state kept in the URL, labelled native controls (keyboard-operable as they are), and a status line.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from 'latent';

const PAGES = [
  ['bounds', 'Bounds'],
  ['em', 'EM'],
  ['vae', 'VAE'],
  ['missing', 'Missing pixels'],
  ['flows', 'Flows'],
];
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The page's state, read from the URL's query with `defaults` giving each key's type, and written back
 * with history.replaceState on every `set`, so that a copied URL restores the page.
 */
export function urlState(defaults) {
  const query = new URLSearchParams(location.search);
  const values = { backend: 'wasm', ...defaults };
  for (const [key, fallback] of Object.entries(values)) {
    const raw = query.get(key);
    if (raw === null) continue;
    const parsed = typeof fallback === 'number' ? Number(raw) : raw;
    if (typeof fallback !== 'number' || Number.isFinite(parsed)) values[key] = parsed;
  }
  const embed = query.get('embed') === '1';
  return {
    values,
    embed,
    set(key, value) {
      values[key] = value;
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v !== defaults[k] || k === 'backend') q.set(k, String(v));
      if (embed) q.set('embed', '1');
      history.replaceState(null, '', `${location.pathname}?${q}`);
    },
  };
}

/**
 * Builds the page: header (links, backend picker, ms-per-step readout) unless embedded, an intro and
 * the controls and figures areas. Resolves once the chosen backend runs (falling back to wasm, then cpu).
 */
export async function startPage({ id, title, intro, state }) {
  document.title = `${title} · latent playground`;
  const header = el('header', { class: state.embed ? 'hidden' : '' });
  const nav = el('nav', { 'aria-label': 'Playground pages' });
  for (const [page, name] of PAGES) {
    nav.append(el('a', { href: `./${page}.html`, 'aria-current': page === id ? 'page' : null }, name));
  }
  nav.append(el('a', { href: './api/index.html' }, 'API & guides'));
  header.append(el('a', { href: './index.html', class: 'brand' }, 'latent'), nav);
  const picker = el('select', { id: 'backend' }, ...BACKENDS.map((b) => el('option', { value: b }, b)));
  picker.value = state.values.backend;
  picker.addEventListener('change', () => {
    state.set('backend', picker.value);
    location.reload();
  });
  const timing = el('output', { id: 'timing', 'aria-live': 'off' }, '—');
  header.append(el('div', { class: 'backend' }, el('label', { for: 'backend' }, 'Backend '), picker, ' ', timing));
  const main = el('main', {}, el('h1', {}, title), el('p', { class: 'intro' }, intro));
  const status = el('p', { id: 'status', role: 'status' }, 'Starting the backend…');
  const controls = el('section', { class: 'controls', 'aria-label': 'Controls' });
  const figures = el('section', { class: 'figures' });
  main.append(status, controls, figures);
  document.body.append(header, main);

  const { backend } = await initBackend({ prefer: [...new Set([state.values.backend, 'wasm', 'cpu'])], wasmPaths: './wasm/' });
  picker.value = backend;
  publish({ interactiveMs: performance.now() });
  status.textContent = `Running on ${backend}.`;
  return {
    backend,
    controls,
    figures,
    /** Shows a message in the status line (announced to screen readers). */
    say(text) {
      status.textContent = text;
    },
    /** Shows the latest milliseconds per step. */
    timing(ms, what = 'step') {
      timing.textContent = `${ms.toFixed(1)} ms per ${what}`;
    },
  };
}

/** An element with attributes (null/undefined skipped) and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) if (v !== null && v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

let controlCount = 0;

/** A labelled range input with its value shown beside it; `format` writes the shown value. */
export function slider(parent, { label, min, max, step, value, format = String, onInput, onChange }) {
  const id = `control-${++controlCount}`;
  const input = el('input', { id, type: 'range', min, max, step, value });
  const shown = el('output', { for: id }, format(Number(value)));
  input.addEventListener('input', () => {
    shown.textContent = format(Number(input.value));
    onInput?.(Number(input.value));
  });
  input.addEventListener('change', () => onChange?.(Number(input.value)));
  parent.append(el('div', { class: 'control' }, el('label', { for: id }, label), input, shown));
  return input;
}

/** A labelled select of `[value, text]` options. */
export function choice(parent, { label, options, value, onChange }) {
  const id = `control-${++controlCount}`;
  const select = el('select', { id }, ...options.map(([v, text]) => el('option', { value: v }, text)));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  parent.append(el('div', { class: 'control' }, el('label', { for: id }, label), select));
  return select;
}

/** A button. */
export function button(parent, text, onClick, attributes = {}) {
  const b = el('button', { type: 'button', ...attributes }, text);
  b.addEventListener('click', onClick);
  parent.append(b);
  return b;
}

/** A titled figure with an optional caption, appended to `parent`; returns its body. */
export function figure(parent, title, caption = '') {
  const body = el('div', { class: 'figure-body' });
  parent.append(el('figure', {}, el('figcaption', {}, el('strong', {}, title), caption ? ` ${caption}` : ''), body));
  return body;
}

/**
 * A queue: `queue(fn)` runs `fn` once everything queued before it has finished, so that a click during a
 * fit waits for it instead of disposing the model under it. Errors are shown in the status line.
 */
export function serialQueue(page) {
  let last = Promise.resolve();
  return (fn) => {
    last = last.then(fn).catch((e) => {
      page.say(`Error: ${e.message}`);
      publish({ error: e.message });
    });
    return last;
  };
}

/** Resolves after the browser has had a chance to render and handle input. */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/**
 * What the browser test reads: `window.playground` holds the page's latest results, `ready` (true once
 * the first results are drawn) and the number of live tensors (flat from one update to the next).
 */
export function publish(results) {
  window.playground = { ...(window.playground ?? {}), ...results, numTensors: tf.memory().numTensors };
}
