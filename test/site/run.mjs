// The playground in a real browser (`npm run test:site`, after `npm run site`): serves site/dist/ from
// 127.0.0.1, opens every page in headless Debian chromium (playwright-core) on wasm and webgl (and the
// Bounds page on webgpu where Chromium offers it: the models take minutes on SwiftShader's WebGPU),
// drives it from the keyboard and checks that it loads without a console error, draws (no blank
// canvas), restores its state from the URL, leaks no tensor and that its numbers obey the laws.
// Writes a screenshot of every page to out/site-<page>.png and the load figures to out/site-load.json.
// Prints one `ok`/`FAIL` line per check and ends with `site: N passed, M failed` (exit 1 on failure).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDirectory } from '../../scripts/serve-site.mjs';
import { createReporter, launchChromium } from '../browser/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = join(root, 'site/dist');
const outDir = join(root, 'out');
const TIMEOUT_MS = 120_000;

const { report, counts } = createReporter();
const check = (label, fn) => async (...args) => {
  try {
    const detail = await fn(...args);
    report(detail === true || detail === undefined, label, typeof detail === 'string' ? detail : '');
  } catch (e) {
    report(false, label, String(e.message ?? e).split('\n')[0]);
  }
};

/**
 * Opens `path` on `backend`; records console errors and long tasks; waits for `ready`. On wasm, the first
 * time a page opens, records its load figures in `load`: bytes transferred and time to interactive.
 */
async function open(context, origin, path, backend, load) {
  const page = await context.newPage();
  const errors = [];
  const bodies = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => bodies.push(r.body().then((b) => b.length, () => 0)));
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  });
  const sep = path.includes('?') ? '&' : '?';
  await page.goto(`${origin}/${path}${sep}backend=${backend}`);
  await page.waitForFunction(() => window.playground?.ready === true || window.playground?.error, null, { timeout: TIMEOUT_MS });
  const error = await page.evaluate(() => window.playground.error);
  if (error) throw new Error(`the page reports: ${error}`);
  const name = path.split('.')[0];
  if (backend === 'wasm' && load.pages[name] === undefined) {
    const transferredBytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
    load.pages[name] = { transferredBytes, interactiveMs: Math.round(await page.evaluate(() => window.playground.interactiveMs)) };
  }
  return { page, errors };
}

const results = (page) => page.evaluate(() => window.playground);
const waitFor = (page, test, arg) => page.waitForFunction(test, arg, { timeout: TIMEOUT_MS, polling: 200 });

/** How many canvases and charts are drawn: a canvas with fewer than 2 colours or an svg without a mark is blank. */
function blankFigures(page) {
  return page.evaluate(() => {
    const blank = [];
    document.querySelectorAll('canvas').forEach((c, i) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      for (let p = 0; p < data.length && colours.size < 3; p += 4 * 7) colours.add(`${data[p]},${data[p + 1]},${data[p + 2]},${data[p + 3]}`);
      if (colours.size < 2) blank.push(`canvas ${i} (${c.getAttribute('aria-label')})`);
    });
    document.querySelectorAll('figure svg').forEach((s, i) => {
      if (!s.querySelector('path[d^="M"], rect, circle')) blank.push(`svg ${i} (${s.getAttribute('aria-label')})`);
    });
    return blank;
  });
}

async function common(page, name, backend, errors) {
  await check(`${name} on ${backend}: runs on ${backend}`, async () => {
    const shown = await page.evaluate(() => document.querySelector('#backend').value);
    return shown === backend || `the picker shows ${shown}`;
  })();
  await check(`${name} on ${backend}: no blank figure`, async () => {
    const blank = await blankFigures(page);
    return blank.length === 0 || `blank: ${blank.join(', ')}`;
  })();
  await check(`${name} on ${backend}: no console error`, () => errors.length === 0 || errors.join(' | '))();
}

const nonDecreasing = (ys, tol) => ys.every((y, i) => i === 0 || y >= ys[i - 1] - tol);

async function bounds(context, origin, backend, load) {
  const x = 1.5;
  const exact = -(x * x) / 4 - 0.5 * Math.log(4 * Math.PI);
  const { page, errors } = await open(context, origin, `bounds.html?x=${x}&m=0.2&logs=-0.9&k=10&groups=10`, backend, load);
  let r = await results(page);
  await check(`bounds on ${backend}: exact log p(x) = log N(1.5; 0, 2)`, () => Math.abs(r.estimates.exact - exact) < 1e-9 || `got ${r.estimates.exact}`)();
  await check(`bounds on ${backend}: mean ELBO ≤ mean IWAE_10 ≤ log p(x) (3 standard errors)`, () => {
    const { elbo, iwae } = r.estimates;
    const se = (s) => s.sd / Math.sqrt(s.values.length);
    const ok = elbo.mean <= iwae.mean + 3 * Math.hypot(se(elbo), se(iwae)) && iwae.mean <= exact + 3 * se(iwae) && elbo.mean < exact - 0.05;
    return ok || `ELBO ${elbo.mean}, IWAE ${iwae.mean}, exact ${exact}`;
  })();
  await check(`bounds on ${backend}: importance sampling within 4 standard errors of log p(x)`, () => {
    const s = r.estimates.is;
    return Math.abs(s.mean - exact) < 4 * s.sd / Math.sqrt(s.values.length) + 1e-3 || `mean ${s.mean} ± ${s.sd}`;
  })();
  await check(`bounds on ${backend}: the score function's gradient variance exceeds the pathwise one at every k`, () => {
    const { pathwise, score } = r.variance;
    return pathwise.every(([, p], i) => score[i][1] > p) || JSON.stringify(r.variance);
  })();
  // Entropy and KL are closed forms, the other terms estimates from 3200 draws: equal within 0.03 (about 3 standard errors).
  await check(`bounds on ${backend}: the three ELBO decompositions agree (energy + entropy, reconstruction − KL, log p(x) − gap)`, () => {
    const e = r.estimates;
    const sums = [e.energy.mean + e.entropy.mean, e.reconstruction.mean - e.kl.mean, e.exact - e.gap.mean];
    return sums.every((s) => Math.abs(s - e.elbo.mean) < 0.03) || `${sums} against ELBO ${e.elbo.mean}`;
  })();
  await common(page, 'bounds', backend, errors);
  if (backend === 'wasm') await page.screenshot({ path: join(outDir, 'site-bounds.png'), fullPage: true });

  await check(`bounds on ${backend}: the k slider works from the keyboard, the URL follows, no tensor is leaked`, async () => {
    const { updates, numTensors } = r;
    await page.focus('input[type=range] >> nth=3');
    await page.keyboard.press('ArrowRight');
    await waitFor(page, (u) => window.playground.ready && window.playground.updates > u, updates);
    r = await results(page);
    const url = new URL(page.url());
    if (r.numTensors !== numTensors) return `${numTensors} tensors before the update, ${r.numTensors} after`;
    return (url.searchParams.get('k') === '11' && r.variance !== undefined) || `URL ${page.url()}`;
  })();
  await page.close();

  // q = the exact posterior N(x/2, ½): every estimate is log p(x) and STL's and DReG's gradients vanish.
  const opened = await open(context, origin, `bounds.html?embed=1&x=${x}&m=${x / 2}&logs=${Math.log(Math.sqrt(0.5))}&k=20`, backend, load);
  r = await results(opened.page);
  await check(`bounds on ${backend}: embed=1 hides the header, and stays in the URL`, async () => {
    const hidden = await opened.page.evaluate(() => getComputedStyle(document.querySelector('header')).display === 'none');
    return (hidden && new URL(opened.page.url()).searchParams.get('embed') === '1') || `header hidden: ${hidden}, URL ${opened.page.url()}`;
  })();
  await check(`bounds on ${backend}: a URL restores the state (k = 20 on the slider)`, async () => {
    const k = await opened.page.evaluate(() => document.querySelectorAll('input[type=range]')[3].value);
    return k === '20' || `slider shows ${k}`;
  })();
  await check(`bounds on ${backend}: with q the posterior, ELBO = IWAE = IS = log p(x) in every repetition`, () => {
    const all = ['elbo', 'iwae', 'is'].flatMap((n) => r.estimates[n].values);
    return all.every((e) => Math.abs(e - exact) < 2e-4) || `max deviation ${Math.max(...all.map((e) => Math.abs(e - exact)))}`;
  })();
  await check(`bounds on ${backend}: with q the posterior, STL and DReG gradients have zero variance`, () => {
    const ok = ['stl', 'dreg'].every((n) => r.variance[n].every(([, s]) => s < 1e-8)) && r.variance.pathwise.some(([, s]) => s > 1e-4);
    return ok || JSON.stringify(r.variance);
  })();
  await opened.page.close();
}

async function em(context, origin, backend, load) {
  const { page, errors } = await open(context, origin, 'em.html?dataset=pinwheel&K=5&steps=3', backend, load);
  let r = await results(page);
  await check(`em on ${backend}: a URL restores the state (3 EM steps replayed)`, () => r.steps === 3 || `steps ${r.steps}`)();
  await check(`em on ${backend}: Run (pressed with Enter) goes on until the log-likelihood settles, never falling`, async () => {
    await page.focus('button:has-text("Run")');
    await page.keyboard.press('Enter');
    await waitFor(page, () => window.playground.running === false && window.playground.steps > 3);
    r = await results(page);
    return (nonDecreasing(r.logLikelihoods, 1e-6) && r.logLikelihoods.at(-1) > r.logLikelihoods[0]) || JSON.stringify(r.logLikelihoods);
  })();
  await check(`em on ${backend}: one more Step leaves the tensor count as it was`, async () => {
    const { steps, numTensors } = r;
    await page.click('button:has-text("Step")');
    await waitFor(page, (n) => window.playground.steps === n + 1, steps);
    r = await results(page);
    return r.numTensors === numTensors || `${numTensors} tensors before, ${r.numTensors} after`;
  })();
  await check(`em on ${backend}: clicking the plot adds a point`, async () => {
    const before = r.points;
    await page.click('figure canvas', { position: { x: 200, y: 200 } });
    await waitFor(page, (n) => window.playground.points === n + 1, before);
    return new URL(page.url()).searchParams.get('added') !== null || 'the URL did not record it';
  })();
  if (backend === 'wasm') {
    await check(`em on ${backend}: BIC against K = 1…10 falls from K = 1 (pinwheel's five arms need several components)`, async () => {
      await page.click('button:has-text("BIC")');
      await waitFor(page, () => window.playground.bic?.length === 10);
      r = await results(page);
      const best = r.bic.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
      return best >= 4 || `lowest BIC at K = ${best}: ${JSON.stringify(r.bic)}`;
    })();
    await page.screenshot({ path: join(outDir, 'site-em.png'), fullPage: true });
  }
  await common(page, 'em', backend, errors);
  await page.close();
}

async function vae(context, origin, backend, load) {
  const epochs = backend === 'wasm' ? 15 : 3;
  const { page, errors } = await open(context, origin, `vae.html?epochs=${epochs}`, backend, load);
  let trainingFrom = 0;
  await check(`vae on ${backend}: trains (Train pressed with Enter); the training bound rises and test ELBO ≤ test IWAE_20`, async () => {
    await page.focus('button:has-text("Train")');
    trainingFrom = await page.evaluate(() => performance.now());
    await page.keyboard.press('Enter');
    await waitFor(page, () => window.playground.trained === true || window.playground.error);
    const r = await results(page);
    if (r.error) return r.error;
    const { objective, elbo, iwae } = r.history;
    const ok = objective.length === epochs && objective.at(-1)[1] > objective[0][1] + 3 && elbo.every(([, e], i) => e < iwae[i][1]);
    return ok || JSON.stringify(r.history);
  })();
  if (backend === 'wasm') {
    const longTasks = (await page.evaluate(() => window.longTasks)).filter(([start]) => start >= trainingFrom).map(([, d]) => d);
    load.vaeLongestTaskMs = Math.max(0, ...longTasks);
    await check('vae on wasm: no main-thread task over 100 ms while it trains (Long Tasks API)', () => longTasks.every((d) => d <= 100) || `tasks of ${longTasks.map((d) => d.toFixed(0)).join(', ')} ms`)();
  }
  await check(`vae on ${backend}: the arrow keys move the latent-space marker; redrawing leaks no tensor`, async () => {
    const before = (await results(page)).numTensors;
    await page.focus('figure canvas[tabindex="0"]');
    await page.keyboard.press('ArrowRight');
    await waitFor(page, () => window.playground.marker !== undefined);
    const after = (await results(page)).numTensors;
    if (after !== before) return `${before} tensors before, ${after} after`;
    const url = new URL(page.url());
    return url.searchParams.get('zx') === '0.1' || `URL ${page.url()}`;
  })();
  if (backend === 'wasm') await page.screenshot({ path: join(outDir, 'site-vae.png'), fullPage: true });
  await common(page, 'vae', backend, errors);
  await page.close();
}

async function missing(context, origin, backend, load) {
  const { page, errors } = await open(context, origin, 'missing.html?K=20&mask=top&index=3', backend, load);
  const r = await results(page);
  await check(`missing on ${backend}: the mixture fills hidden pixels in better than the pixel means`, () =>
    r.score.accuracy > r.score.baseline + 0.03 || JSON.stringify(r.score))();
  await check(`missing on ${backend}: the URL's digit and mask are shown`, () => (r.shown.index === 3 && r.shown.mask === 'top') || JSON.stringify(r.shown))();
  await check(`missing on ${backend}: the digit slider works from the keyboard; no tensor is leaked`, async () => {
    await page.focus('input[type=range] >> nth=1');
    await page.keyboard.press('ArrowRight');
    await waitFor(page, () => window.playground.shown.index === 4);
    const after = await results(page);
    return after.numTensors === r.numTensors || `${r.numTensors} tensors before, ${after.numTensors} after`;
  })();
  if (backend === 'wasm') await page.screenshot({ path: join(outDir, 'site-missing.png'), fullPage: true });
  await common(page, 'missing', backend, errors);
  await page.close();
}

async function flows(context, origin, backend, load) {
  const steps = backend === 'wasm' ? 400 : 50;
  const { page, errors } = await open(context, origin, `flows.html?steps=${steps}&dataset=eightGaussians&flow=realNVP`, backend, load);
  await check(`flows on ${backend}: the test NLL falls while it trains (Train pressed with Space)`, async () => {
    await page.focus('button:has-text("Train")');
    await page.keyboard.press('Space');
    await waitFor(page, () => window.playground.trained === true || window.playground.error);
    const { nll, error } = await results(page);
    return (!error && nll.at(-1)[0] === steps && nll.at(-1)[1] < nll[0][1] - 0.3) || error || JSON.stringify(nll);
  })();
  if (backend === 'wasm') {
    await page.screenshot({ path: join(outDir, 'site-flows.png'), fullPage: true });
    await check(`flows on ${backend}: 100 more steps (Steps slider by keyboard, then Train) leave the tensor count as it was`, async () => {
      const before = (await results(page)).numTensors;
      await page.focus('input[type=range] >> nth=0');
      await page.keyboard.press('ArrowRight');
      await page.evaluate(() => { window.playground.trained = false; });
      await page.click('button:has-text("Train")');
      await waitFor(page, () => window.playground.trained === true);
      const { numTensors, steps: done } = await results(page);
      return (numTensors === before && done === steps + 100) || `${before} tensors before, ${numTensors} after, ${done} steps`;
    })();
  }
  await common(page, 'flows', backend, errors);
  await page.close();
}

async function home(context, origin) {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await check('home: links to every page and to the API docs, which link back', async () => {
    const links = await page.evaluate(() => [...document.querySelectorAll('main a')].map((a) => a.getAttribute('href')));
    const want = ['./bounds.html', './em.html', './vae.html', './missing.html', './flows.html', './api/index.html'];
    if (!want.every((w) => links.includes(w))) return `links: ${links}`;
    await page.goto(`${origin}/api/index.html`);
    await page.click('a.playground-link');
    return page.url() === `${origin}/index.html` || `went to ${page.url()}`;
  })();
  await page.screenshot({ path: join(outDir, 'site-home.png'), fullPage: true });
  await page.close();
}

mkdirSync(outDir, { recursive: true });
const temp = await mkdtemp(join(tmpdir(), 'latent-site-'));
const server = await serveDirectory(dist);
const origin = `http://127.0.0.1:${server.address().port}`;
const load = { gzipJavaScript: JSON.parse(readFileSync(join(dist, 'sizes.json'), 'utf8')), pages: {} };
let context;
try {
  context = await launchChromium(join(temp, 'profile'), { viewport: { width: 1280, height: 900 } });
  const probe = await context.newPage();
  await probe.goto(`${origin}/`);
  const webgpu = await probe.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
  await probe.close();
  await home(context, origin);
  // SITE_PAGES / SITE_BACKENDS (comma-separated) narrow the run while working on a page.
  const only = (variable, all) => (process.env[variable] ? process.env[variable].split(',') : all);
  for (const backend of only('SITE_BACKENDS', ['wasm', 'webgl', ...(webgpu ? ['webgpu'] : [])])) {
    const started = Date.now();
    for (const name of only('SITE_PAGES', ['bounds', 'em', 'vae', 'missing', 'flows'])) {
      const run = { bounds, em, vae, missing, flows }[name];
      if (backend === 'webgpu' && name !== 'bounds') continue;
      const pageStarted = Date.now();
      await run(context, origin, backend, load).catch((e) => report(false, `${name} on ${backend}`, String(e.message ?? e).split('\n')[0]));
      console.log(`   ${name} on ${backend}: ${((Date.now() - pageStarted) / 1000).toFixed(1)} s`);
    }
    console.log(`   ${backend} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  writeFileSync(join(outDir, 'site-load.json'), `${JSON.stringify(load, null, 2)}\n`);
  console.log(`   load: ${JSON.stringify(load)}`);
  const first = load.pages.bounds;
  if (first !== undefined) report(first.interactiveMs <= 1500, 'bounds (the first page) on wasm is interactive within 1.5 s of navigation', `${first.interactiveMs} ms`);
  report(Object.values(load.gzipJavaScript).every((s) => s.gzipBytes <= 400 * 1024), 'every page loads at most 400 KB of gzipped JavaScript before a backend is chosen');
} catch (e) {
  report(false, 'setup', e.stack ?? String(e));
} finally {
  await context?.close().catch(() => {});
  server.close();
  server.closeAllConnections();
  await rm(temp, { recursive: true, force: true });
}
console.log(`site: ${counts.passed} passed, ${counts.failed} failed`);
process.exit(counts.failed > 0 ? 1 : 0);
