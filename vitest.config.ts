import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

const GRADIENTS = fileURLToPath(new URL('./src/tfjs-gradients.generated.ts', import.meta.url));
const GRADIENTS_BUNDLE = fileURLToPath(new URL('./node_modules/.cache/latent-tests/tfjs-gradients.mjs', import.meta.url));

/**
 * tfjs-core's gradient files are ESM with extension-less imports that Node
 * cannot load, and Vite would evaluate their few hundred modules again in every
 * test file (~1 s each): as tsup does for dist/, they are bundled, once per run,
 * into one module. The package root stays external, so tests share one engine
 * with the backends.
 */
async function bundledGradients(): Promise<Plugin> {
  await build({
    entryPoints: [GRADIENTS],
    outfile: GRADIENTS_BUNDLE,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
    plugins: [
      {
        name: 'tfjs-core-root-external',
        setup(build) {
          build.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  return {
    name: 'bundled-tfjs-gradients',
    enforce: 'pre',
    resolveId(source, importer) {
      return source === './tfjs-gradients.generated' && importer !== undefined && importer.endsWith('/src/register-gradients.ts') ? GRADIENTS_BUNDLE : null;
    },
  };
}

export default defineConfig({
  plugins: [await bundledGradients()],
  // latent/testing imports 'latent': in the repo both are the sources (one module instance).
  resolve: {
    alias: [
      { find: /^latent$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^latent\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^latent\/datasets$/, replacement: fileURLToPath(new URL('./src/datasets/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
