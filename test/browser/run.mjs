// Browser checks for the built package (run `npm run build` first; `npm run test:browser` runs this).
// Bundles test/browser/entry.js with esbuild the way a user's bundler consumes dist/browser/index.js,
// serves it from 127.0.0.1, opens it in headless Debian chromium (playwright-core) and, for each of
// webgl, webgpu and wasm, compares the page's results with expected values and with Node's cpu backend.
// Prints one `ok`/`FAIL` line per check and ends with `browser: N passed, M failed` (exit 1 on failure).
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createReporter, launchChromium } from './chromium.mjs';
import { gradientsOfEveryFunction } from './every-function.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const wasmDir = resolve(here, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist');
const BACKENDS = ['webgl', 'webgpu', 'wasm'];
const BACKEND_TIMEOUT_MS = 60_000;
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };

const { report, counts } = createReporter();

const closeTo = (got, want, rel) => got.length === want.length && got.every((g, i) => Math.abs(g - want[i]) <= rel * Math.abs(want[i]));
const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** Node references, on the cpu backend: randomNormal([5], { seed: 1 }) and every function's value and gradient. */
async function nodeReference() {
  const tf = await import('@tensorflow/tfjs-core');
  const latent = await import('../../dist/index.js');
  await latent.setBackend('cpu');
  const t = latent.randomNormal([5], { seed: 1 });
  const randomNormal = Array.from(await t.data());
  t.dispose();
  return { randomNormal, everyFunction: await gradientsOfEveryFunction(tf, latent) };
}

function serve(bundleDir) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path === '/' ? join(here, 'index.html')
      : path.startsWith('/wasm/') ? join(wasmDir, basename(path))
      : resolve(bundleDir, `.${path}`);
    try {
      if (file !== join(here, 'index.html') && !file.startsWith(wasmDir + sep) && !file.startsWith(bundleDir + sep)) throw new Error();
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function checkBackend(name, r, reference) {
  const label = (what) => `${name} ${what}`;
  const each = (what, result, test, expected) => {
    if (result === undefined) return report(false, label(what), 'not run');
    if (result.error !== undefined) return report(false, label(what), result.error);
    report(test(result.value), label(what), `got ${show(result.value)}, expected ${expected}`);
  };
  each('backend starts', r.backend, (v) => v === name, `tf.getBackend() === '${name}'`);
  if (r.backend.error !== undefined || r.backend.value !== name) return;
  if (r.device?.value) console.log(`   ${name} ${r.device.value}`);
  const wantGrad = [2.0865576, -0.86309785, 4.5793762];
  each('gradient through logSumExp/softplus/where', r.gradient, (v) => closeTo(v, wantGrad, 1e-4), show(wantGrad));
  each('logSumExp at [-Inf,-Inf]: value -Inf, gradient [0,0]', r.infinite,
    (v) => v.value[0] === -Infinity && v.grad.length === 2 && v.grad.every((g) => g === 0), '{"value":["-Infinity"],"grad":[0,0]}');
  each('log1p(1e-7)', r.log1p, (v) => closeTo(v, [9.9999995e-8], 1e-5), '[9.9999995e-8]');
  each('randomNormal seed 1 bit-identical to Node cpu', r.randomNormal,
    (v) => v.length === reference.randomNormal.length && v.every((x, i) => Object.is(x, reference.randomNormal[i])), show(reference.randomNormal));
  // GPU shaders' exp and log are less exact than JS: 1e-4 relative, 1e-6 absolute.
  const near = (got, want) => got.length === want.length && got.every((g, i) => Math.abs(g - want[i]) <= 1e-6 + 1e-4 * Math.abs(want[i]));
  for (const [fn, want] of Object.entries(reference.everyFunction)) {
    const result = r.everyFunction?.error === undefined ? { value: r.everyFunction?.value?.[fn] } : r.everyFunction;
    each(`${fn}: value and gradient match Node cpu`, result, (v) => near(v.value, want.value) && near(v.grad, want.grad), show(want));
  }
  each('gradient of gather with repeated indices', r.gather, (v) => closeTo(v, [2, 0, 1], 0), '[2,0,1]');
  const want = Math.fround(0.1) * 1e6;
  each('sum of 1e6 x 0.1', r.sum, (v) => Math.abs(v[0] - want) <= 1e-6 * want, String(want));
  each('no tensor leak over 50 gradient evaluations', r.memory, (v) => v.after === v.before, 'after === before');
  each('initBackend() prefers webgpu in a browser', r.defaultChoice, (v) => v === 'webgpu', "'webgpu'");
}

async function runBackend(context, origin, name, reference) {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`   [${name} console.${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.log(`   [${name} pageerror] ${e.message}`));
  const started = Date.now();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof window.runChecks === 'function');
    let timer;
    const timeout = new Promise((_, no) => { timer = setTimeout(() => no(new Error(`timed out after ${BACKEND_TIMEOUT_MS} ms`)), BACKEND_TIMEOUT_MS); });
    const results = await Promise.race([page.evaluate((n) => window.runChecks(n), name), timeout]).finally(() => clearTimeout(timer));
    checkBackend(name, results, reference);
  } catch (e) {
    report(false, `${name} page`, e.message);
  } finally {
    console.log(`   ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await page.close().catch(() => {});
  }
}

async function runWasmWithoutPaths(context, origin) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof window.wasmWithoutPaths === 'function');
    const result = await page.evaluate(() => window.wasmWithoutPaths());
    const message = result.error ?? '';
    report(
      /tfjs-backend-wasm\.wasm/.test(message) && /wasmPaths/.test(message),
      'wasm without wasmPaths: the error names the .wasm files to serve and the wasmPaths option',
      result.error === undefined ? 'it started' : message.split('\n')[0],
    );
  } finally {
    await page.close().catch(() => {});
  }
}

const temp = await mkdtemp(join(tmpdir(), 'latent-browser-'));
const bundleDir = join(temp, 'bundle');
let server;
let context;
try {
  await build({
    entryPoints: [join(here, 'entry.js')],
    outdir: bundleDir,
    platform: 'browser',
    format: 'esm',
    bundle: true,
    splitting: true,
    logLevel: 'warning',
  });
  const reference = await nodeReference();
  server = await serve(bundleDir);
  const origin = `http://127.0.0.1:${server.address().port}`;
  context = await launchChromium(join(temp, 'profile'));
  for (const name of BACKENDS) await runBackend(context, origin, name, reference);
  await runWasmWithoutPaths(context, origin);
} catch (e) {
  report(false, 'setup', e.stack ?? String(e));
} finally {
  await context?.close().catch(() => {});
  server?.close();
  server?.closeAllConnections();
  await rm(temp, { recursive: true, force: true });
}
console.log(`browser: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed > 0 ? 1 : 0);
