// Browser side of test/browser/run.mjs: bundled by esbuild exactly as a user's bundler would consume
// the package's `browser` export. It exposes window.runChecks(backend), which returns raw values
// (or { error }) for each check; run.mjs compares them in Node.
import * as tf from '@tensorflow/tfjs-core';
import * as latent from '../../dist/browser/index.js';
import { gradientsOfEveryFunction } from './every-function.js';

const { setBackend, initBackend, logSumExp, softplus, log1p, sum, gather, randomNormal } = latent;

const mixed = (x) => tf.sum(tf.add(logSumExp(x), tf.add(softplus(x), tf.where(tf.greater(x, 0), x, tf.neg(x)))));

/** Reads a tensor with the async API (never dataSync) and disposes it. */
async function read(t) {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

async function gradientOfMixed() {
  const x = tf.tensor1d([1, -2, 3]);
  const g = tf.grad(mixed)(x);
  x.dispose();
  return read(g);
}

async function attempt(fn) {
  try {
    return { value: await fn() };
  } catch (e) {
    return { error: String((e && e.stack) || e) };
  }
}

async function describeDevice(name) {
  if (name === 'webgl') {
    const gl = tf.backend().gpgpu.gl;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return `WebGL ${tf.env().getNumber('WEBGL_VERSION')}: ${gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)}`;
  }
  if (name === 'webgpu') {
    const info = (await navigator.gpu.requestAdapter())?.info ?? {};
    return `adapter: ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ')}`;
  }
  return `simd=${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')} threads=${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`;
}

// Starting wasm without saying where its .wasm files are: the error must name the files and the option.
window.wasmWithoutPaths = () => attempt(() => setBackend('wasm'));

window.runChecks = async (name) => {
  const out = {};
  out.backend = await attempt(async () => {
    await setBackend(name, { wasmPaths: '/wasm/' });
    return tf.getBackend();
  });
  if (out.backend.error !== undefined) return out;
  out.device = await attempt(() => describeDevice(name));

  out.gradient = await attempt(gradientOfMixed);
  out.infinite = await attempt(async () => {
    const x = tf.tensor1d([-Infinity, -Infinity]);
    const value = await read(logSumExp(x));
    const grad = await read(tf.grad((v) => logSumExp(v))(x));
    x.dispose();
    return { value, grad };
  });
  out.log1p = await attempt(() => read(log1p(tf.scalar(1e-7))));
  out.randomNormal = await attempt(() => read(randomNormal([5], { seed: 1 })));
  out.gather = await attempt(async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const indices = tf.tensor1d([0, 0, 2], 'int32');
    const grad = await read(tf.grad((v) => tf.sum(gather(v, indices, 0)))(x));
    tf.dispose([x, indices]);
    return grad;
  });
  out.sum = await attempt(async () => {
    const x = tf.fill([1e6], 0.1);
    const total = await read(sum(x));
    x.dispose();
    return total;
  });
  out.everyFunction = await attempt(() => gradientsOfEveryFunction(tf, latent));
  out.memory = await attempt(async () => {
    await gradientOfMixed(); // warm-up: lets the backend create whatever it keeps
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await gradientOfMixed();
    return { before, after: tf.memory().numTensors };
  });
  out.defaultChoice = await attempt(async () => (await initBackend({ wasmPaths: '/wasm/' })).backend);
  return out;
};
