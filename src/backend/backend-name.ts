/** The tfjs backends `latent` knows how to start. */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

/** Every backend name, in no particular order. */
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
