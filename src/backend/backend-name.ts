/** The tfjs backends `latent` knows how to start: `'cpu' | 'wasm' | 'webgl' | 'webgpu'`. */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

/**
 * Every backend name, in no particular order.
 *
 * @example
 * ```ts
 * for (const name of BACKEND_NAMES) console.log(name, await setBackend(name).catch((e) => e.message));
 * ```
 */
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgl', 'webgpu'];

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && (BACKEND_NAMES as readonly string[]).includes(name);
}
