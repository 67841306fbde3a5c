import { defineConfig } from 'vitest/config';

export default defineConfig({
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
