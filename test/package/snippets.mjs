// Docs that cannot rot: runs every ```ts / ```js block of README.md and docs/*.md
// as an ES module in APP, a project where the packed tarball is installed (see run.sh).
// A block whose info string says `fragment` (```ts fragment) is deliberately partial
// and skipped; fragments should be few. Usage: node snippets.mjs REPO APP [NAME-FILTER]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const [repo, app, filter = ''] = process.argv.slice(2);
const files = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const dir = join(app, 'snippets');
mkdirSync(dir, { recursive: true });

let passed = 0;
let failed = 0;
let fragments = 0;
for (const file of files) {
  const lines = readFileSync(join(repo, file), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|js|javascript)\b(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) end++;
    const name = `${file}:${start}`;
    i = end;
    if (open[2].includes('fragment')) {
      fragments++;
      continue;
    }
    if (!name.includes(filter)) continue;
    const source = lines.slice(start, end).join('\n');
    const path = join(dir, `${file.replace(/[/.]/g, '_')}_${start}.mjs`);
    const started = Date.now();
    try {
      const { code } = transformSync(source, { loader: open[1].startsWith('t') ? 'ts' : 'js', format: 'esm', target: 'node20' });
      writeFileSync(path, code);
      execFileSync(process.execPath, [path], { cwd: app, stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
      passed++;
      console.log(`  ok    ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${name}\n${String(e.stderr ?? e.message).trim().split('\n').slice(-15).map((l) => `        ${l}`).join('\n')}`);
    }
  }
}
console.log(`snippets: ${passed} passed, ${failed} failed (${fragments} marked as fragments)`);
process.exit(failed > 0 ? 1 : 0);
