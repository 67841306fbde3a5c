// `npm run site:serve`: serves site/dist/ (after `npm run site`) on http://127.0.0.1:8080 (or PORT).
// Also imported by the site's browser test. Static files only; 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Serves `dir` on 127.0.0.1:`port` (0: any free port); resolves with the server once it listens. */
export function serveDirectory(dir, port = 0) {
  const rootDir = resolve(dir);
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(rootDir, `.${path}`);
    try {
      if (!file.startsWith(rootDir + sep)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serveDirectory(join(fileURLToPath(new URL('..', import.meta.url)), 'site/dist'), Number(process.env.PORT ?? 8080));
  console.log(`The playground: http://127.0.0.1:${server.address().port}/ (Ctrl-C stops)`);
}
