/**
 * Workload: one EM iteration of GaussianMixture (D = 8, K = 8; full,
 * diagonal and spherical covariances; N = 10k and 100k, and 1M on wasm when it takes
 * under ~10 s) on each backend, against scikit-learn on the same data in a
 * child process (bench/sklearn_gmm.py, one thread) when `/usr/bin/python3`
 * has sklearn. A fit runs a fixed number of iterations (tol 0) from an
 * explicit initialisation; its time over the iterations is the cost of one.
 * Prints ratios to scikit-learn, and the cost per point across N (ratio 1:
 * linear in N).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { GaussianMixture, setBackend } from '../dist/index.js';
import { medianMs, printRatios } from './harness.mjs';

const D = 8;
const K = 8;
const PYTHON = '/usr/bin/python3';
const SKLEARN_SCRIPT = fileURLToPath(new URL('./sklearn_gmm.py', import.meta.url));

/** N points from K Gaussian blobs (deterministic; plain JS so that every backend and Python see the same floats). */
function blobs(n, seed = 1) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Array.from({ length: K }, () => Array.from({ length: D }, () => 4 * normal()));
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const c = centres[i % K];
    for (let j = 0; j < D; j++) x[i * D + j] = c[j] + normal();
  }
  return x;
}

function sklearnAvailable() {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sklearnMsPerIteration(file, n, type, iterations, runs) {
  const out = execFileSync(PYTHON, [SKLEARN_SCRIPT, file, String(n), String(D), String(K), type, String(iterations), String(runs)], {
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(out).msPerIteration;
}

function explicitInit(xs, type) {
  const precisions = {
    full: Array.from({ length: K }, () => Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)))),
    diag: Array.from({ length: K }, () => new Array(D).fill(1)),
    spherical: new Array(K).fill(1),
  }[type];
  return {
    weights: new Array(K).fill(1 / K),
    means: Array.from({ length: K }, (_, k) => Array.from(xs.subarray(k * D, (k + 1) * D))),
    precisions,
  };
}

async function latentMsPerIteration(backend, xs, n, type, iterations, runs) {
  await setBackend(backend);
  const x = tf.tensor2d(xs, [n, D]);
  const gmm = new GaussianMixture({ nComponents: K, covarianceType: type, tol: 0, maxIter: iterations, init: explicitInit(xs, type) });
  const ms = await medianMs(async () => {
    await gmm.fit(x);
    if (gmm.nIter !== iterations) throw new Error(`expected ${iterations} iterations, ran ${gmm.nIter}`);
  }, { runs, warmup: 1 });
  gmm.dispose();
  x.dispose();
  return ms / iterations;
}

export async function gmm({ backends, sizes = [1e4, 1e5, 1e6] }) {
  const withSklearn = sklearnAvailable();
  if (!withSklearn) console.log(`\n(GaussianMixture: scikit-learn left out: ${PYTHON} cannot import sklearn; install Debian's python3-sklearn)`);
  const dir = mkdtempSync(join(tmpdir(), 'latent-gmm-'));
  const perPoint = {}; // `${type} ${backend}` -> rows of ms per 100k points
  try {
    for (const type of ['full', 'diag', 'spherical']) {
      let wasmAt100k;
      for (const n of sizes) {
        const xs = blobs(n);
        const file = join(dir, `x-${n}.f32`);
        writeFileSync(file, Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength));
        const iterations = n >= 1e6 ? 3 : n >= 1e5 ? 5 : 10;
        const runs = n >= 1e6 ? 1 : n >= 1e5 ? 3 : 5;
        // 1M only on wasm, and only when one fit takes under ~10 s (estimated from 100k).
        const chosen = n >= 1e6 ? backends.filter((b) => b === 'wasm' && wasmAt100k !== undefined && wasmAt100k * 10 * iterations < 10_000) : backends;
        if (chosen.length === 0) continue;
        const rows = [];
        if (withSklearn) rows.push({ name: 'scikit-learn (1 thread)', ms: sklearnMsPerIteration(file, n, type, iterations, runs) });
        for (const backend of chosen) {
          const ms = await latentMsPerIteration(backend, xs, n, type, iterations, runs);
          if (backend === 'wasm' && n === 1e5) wasmAt100k = ms;
          rows.push({ name: `latent ${backend}`, ms });
        }
        for (const { name, ms } of rows) (perPoint[`${type}, ${name}`] ??= []).push({ name: `N = ${n.toExponential(0)}`, ms: (ms / n) * 1e5 });
        printRatios(`GaussianMixture, one EM iteration, ${type} covariances, N = ${n.toExponential(0)}, D = ${D}, K = ${K}`, rows, withSklearn ? 'scikit-learn (1 thread)' : `latent ${chosen[0]}`);
      }
    }
    for (const [key, rows] of Object.entries(perPoint)) {
      if (rows.length > 1) printRatios(`GaussianMixture cost per point across N, ${key} (ms per 100k points; ratio 1 = linear)`, rows, rows[0].name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
