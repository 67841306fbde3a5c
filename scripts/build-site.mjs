// `npm run site`: builds the playground and the docs into site/dist/, a static site that works offline
// from any static server (`npm run site:serve`). Bundles site/src/<page>.js with esbuild from the
// package's own browser build (dist/browser), copies the wasm backend's .wasm files, builds the API docs
// and guides with typedoc into site/dist/api (with a link back to the playground on every page), and
// writes site/dist/sizes.json: the gzipped JavaScript each page loads before a backend is chosen.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'site/src');
const out = join(root, 'site/dist');
const PAGES = {
  bounds: 'Bounds on the evidence',
  em: 'EM for Gaussian mixtures',
  vae: 'A variational autoencoder',
  missing: 'Missing pixels',
  flows: 'Normalizing flows',
};

if (!existsSync(join(root, 'dist/browser/index.js'))) throw new Error('build-site: dist/browser is missing — run `npm run build` first');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: Object.keys(PAGES).map((page) => join(src, `${page}.js`)),
  outdir: join(out, 'assets'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  metafile: true,
  logLevel: 'warning',
  alias: { latent: join(root, 'dist/browser/index.js'), 'latent/datasets': join(root, 'dist/browser/datasets.js') },
});

const page = (id, title, body, script) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <title>${title} · latent playground</title>
  <link rel="stylesheet" href="./assets/style.css">
  ${script ? `<script type="module" src="./assets/${id}.js"></script>` : ''}
</head>
<body>${body}</body>
</html>
`;
cpSync(join(src, 'style.css'), join(out, 'assets/style.css'));
for (const [id, title] of Object.entries(PAGES)) writeFileSync(join(out, `${id}.html`), page(id, title, '', true));
writeFileSync(join(out, 'index.html'), page('index', 'Home', readFileSync(join(src, 'index.html'), 'utf8'), false));

const wasm = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
mkdirSync(join(out, 'wasm'));
for (const f of readdirSync(wasm).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasm, f), join(out, 'wasm', f));

// The API docs and guides, with a link to the playground on every page (`--reuse-docs`: copy docs/api,
// just built by `npm run docs`, instead of running typedoc again).
if (process.argv.includes('--reuse-docs')) cpSync(join(root, 'docs/api'), join(out, 'api'), { recursive: true });
else execFileSync(join(root, 'node_modules/.bin/typedoc'), ['--out', join(out, 'api'), '--logLevel', 'Warn'], { cwd: root, stdio: 'inherit' });
const htmlFiles = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith('.html') ? [p] : [];
});
for (const file of htmlFiles(join(out, 'api'))) {
  const home = relative(dirname(file), join(out, 'index.html'));
  const html = readFileSync(file, 'utf8').replace('<body>', `<body><a class="playground-link" href="${home}" style="position:fixed;right:1rem;bottom:1rem;z-index:10;background:#0072B2;color:#fff;padding:.4rem .8rem;border-radius:4px">Playground</a>`);
  writeFileSync(file, html);
}

// What each page loads before a backend is chosen: its entry and the chunks it imports statically.
const outputs = result.metafile.outputs;
const key = (abs) => relative(root, abs).split('\\').join('/');
const sizes = {};
for (const id of Object.keys(PAGES)) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of outputs[file].imports) if (imp.kind === 'import-statement') visit(imp.path);
  };
  visit(key(join(out, 'assets', `${id}.js`)));
  const bytes = [...seen].reduce((sum, f) => sum + gzipSync(readFileSync(join(root, f))).length, 0);
  sizes[id] = { files: seen.size, gzipBytes: bytes };
}
writeFileSync(join(out, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
console.log(`site: ${relative(root, out)}/ — JavaScript before a backend is chosen (gzip): ${Object.entries(sizes).map(([id, s]) => `${id} ${(s.gzipBytes / 1024).toFixed(0)} KB`).join(', ')}`);
