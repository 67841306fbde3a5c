import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
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
    // tfjs-core's gradient files are ESM with extension-less imports that Node
    // cannot load: let Vite transform them (as tsup bundles them for dist/).
    // The package root stays external, so tests share one engine with the backends.
    server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
