// Checks every relative link of the built docs site (docs/api by default): the file it names
// exists and, where it has a #fragment, the target has that id. Exits 1 listing the broken ones.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'docs/api');
const pages = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.html')) pages.push(path);
  }
};
walk(root);

const ids = new Map();
const idsOf = (file) => {
  if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, 'utf8').matchAll(/\b(?:id|name)="([^"]+)"/g)].map((m) => m[1])));
  return ids.get(file);
};
const broken = [];
let links = 0;
for (const page of pages) {
  for (const [, href] of readFileSync(page, 'utf8').matchAll(/\bhref="([^"]*)"/g)) {
    if (/^(?:[a-z]+:|\/\/)/i.test(href)) continue; // http:, mailto:, data:, protocol-relative
    links++;
    const [path, fragment] = href.split('#');
    const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
    if (!existsSync(target)) broken.push(`${page.slice(root.length + 1)}: ${href} (no such file)`);
    else if (fragment && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(fragment))) {
      broken.push(`${page.slice(root.length + 1)}: ${href} (no #${fragment} there)`);
    }
  }
}
console.log(`links: ${links} relative links in ${pages.length} pages, ${broken.length} broken`);
for (const b of broken.slice(0, 40)) console.log(`  ${b}`);
process.exit(broken.length > 0 ? 1 : 0);
