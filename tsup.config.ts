import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/** `src/index.ts` imports `./register-gradients` as a separate file: the package's one side-effect module. */
function keepGradientRegistrationSeparate(extension: string): Plugin {
  return {
    name: 'keep-register-gradients-separate',
    setup(build) {
      build.onResolve({ filter: /^\.\/register-gradients$/ }, () => ({
        path: `./register-gradients${extension}`,
        external: true,
      }));
    },
  };
}

/** The browser build uses `platform.browser.ts`: no Node module reaches a browser bundle. */
const browserPlatform: Plugin = {
  name: 'browser-platform',
  setup(build) {
    build.onResolve({ filter: /^\.\/platform$/ }, (args) => ({
      path: `${args.resolveDir}/platform.browser.ts`,
    }));
  },
};

const entry = { index: 'src/index.ts', 'register-gradients': 'src/register-gradients.ts' };

export default defineConfig([
  // Node, ESM and CJS. tfjs-core's gradient files are ESM with extension-less
  // imports that Node cannot load, so they are bundled in here.
  ...(['esm', 'cjs'] as const).map(
    (format): Options => ({
      format: [format],
      platform: 'node',
      silent: true,
      target: 'node20',
      entry: { ...entry, testing: 'src/testing/index.ts', datasets: 'src/datasets/index.ts' },
      dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', datasets: 'src/datasets/index.ts' } },
      // latent/testing and latent/datasets use the package's own entry, so that all share one KL registry.
      external: ['latent'],
      shims: format === 'cjs', // import.meta.url in CJS
      splitting: false,
      keepNames: true, // class names print as written (esbuild renames MultivariateNormalTriL to _MultivariateNormalTriL)
      noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
      esbuildPlugins: [keepGradientRegistrationSeparate(format === 'cjs' ? '.cjs' : '.js')],
    }),
  ),
  // Browser ESM for bundlers: tfjs-core's gradient files stay imports, resolved
  // by the user's bundler against the user's own tfjs-core (one copy).
  {
    entry: { ...entry, datasets: 'src/datasets/index.ts' },
    external: ['latent'],
    format: ['esm'],
    platform: 'browser',
    silent: true,
    target: 'es2022',
    outDir: 'dist/browser',
    keepNames: true,
    esbuildPlugins: [keepGradientRegistrationSeparate('.js'), browserPlatform],
  },
]);
