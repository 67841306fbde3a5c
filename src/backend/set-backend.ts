import * as tf from '@tensorflow/tfjs-core';
import { installWasmCopyKernels } from './wasm-copy-kernels';
import { installWasmElementwiseKernels } from './wasm-elementwise-kernels';
import { BackendUnavailableError, describeError, ValidationError } from '../errors';
import { BACKEND_NAMES, BACKEND_PACKAGES, isBackendName, type BackendName } from './backend-name';
import { defaultWasmPaths, PLATFORM, prepareWebGPU } from './platform';

/** Options for {@link setBackend} and {@link initBackend}. */
export interface SetBackendOptions {
  /**
   * Where the wasm backend finds its `.wasm` files: a directory URL ending in
   * `/`, or a map from file name to URL (as tfjs's `setWasmPaths`). In Node the
   * default is the backend package's own `dist/` directory; in a browser the
   * page must serve the files and say where.
   */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Loads a backend's package if needed, starts it and makes it tfjs's current
 * backend. In Node, `webgpu` runs through the optional `webgpu` package
 * (Dawn); `latent` creates `navigator.gpu` before loading the tfjs WebGPU
 * backend, which only registers itself when that exists.
 *
 * @param name - `'cpu'`, `'wasm'`, `'webgl'` or `'webgpu'`.
 * @returns the name of the backend now in use.
 * @throws {@link BackendUnavailableError} naming what is missing (a package,
 *   a GPU adapter, a browser API) when the backend cannot start.
 *
 * @example
 * ```ts
 * import { setBackend } from 'latent';
 * await setBackend('wasm');
 * ```
 */
export async function setBackend(name: BackendName, options: SetBackendOptions = {}): Promise<BackendName> {
  if (!isBackendName(name)) {
    throw new ValidationError('setBackend', 'name', `be one of ${BACKEND_NAMES.join(', ')}`, name);
  }
  await loadBackend(name, options);
  let started: boolean;
  try {
    started = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendUnavailableError(name, `it failed to initialise: ${describeError(e)}${wasmHint(name, options)}`);
  }
  if (!started) throw new BackendUnavailableError(name, `tfjs could not initialise it on this ${PLATFORM} (see the warning above)${wasmHint(name, options)}`);
  return name;
}

/** In a browser the wasm backend fetches its .wasm files from the page's server: say which, and how to point at them. */
function wasmHint(name: BackendName, options: SetBackendOptions): string {
  if (name !== 'wasm' || (PLATFORM as string) !== 'browser' || options.wasmPaths !== undefined) return '';
  return (
    '. In a browser, serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist/ (tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, ' +
    "tfjs-backend-wasm-threaded-simd.wasm) and say where: initBackend({ wasmPaths: '/assets/wasm/' }) or setBackend('wasm', { wasmPaths })"
  );
}

async function loadBackend(name: BackendName, options: SetBackendOptions): Promise<void> {
  if (tf.findBackendFactory(name) != null && name !== 'wasm') return;
  if (name === 'webgpu') {
    const reason = await prepareWebGPU();
    if (reason !== undefined) throw new BackendUnavailableError(name, reason);
  }
  const packageName = BACKEND_PACKAGES[name];
  let backendModule: { setWasmPaths?: (paths: string | Record<string, string>) => void };
  try {
    backendModule = await importBackendPackage(name);
  } catch (e) {
    throw new BackendUnavailableError(name, `it needs the package ${packageName} (npm install ${packageName}): ${describeError(e)}`);
  }
  if (name === 'wasm' && tf.engine().registry.wasm === undefined) {
    const paths = options.wasmPaths ?? defaultWasmPaths();
    if (paths !== undefined) backendModule.setWasmPaths?.(paths);
  }
  if (tf.findBackendFactory(name) == null) {
    throw new BackendUnavailableError(name, registrationFailure(name, packageName));
  }
  if (name === 'wasm') {
    installWasmCopyKernels();
    installWasmElementwiseKernels();
  }
}

/** Literal specifiers, so that bundlers can split each backend into a lazily loaded chunk. */
function importBackendPackage(name: BackendName): Promise<object> {
  switch (name) {
    case 'cpu':
      return import('@tensorflow/tfjs-backend-cpu');
    case 'wasm':
      return import('@tensorflow/tfjs-backend-wasm');
    case 'webgl':
      return import('@tensorflow/tfjs-backend-webgl');
    case 'webgpu':
      return import('@tensorflow/tfjs-backend-webgpu');
  }
}

function registrationFailure(name: BackendName, packageName: string): string {
  if (name === 'webgl') return `${packageName} registers itself only in a browser with WebGL`;
  if (name === 'webgpu') {
    return `${packageName} was imported before navigator.gpu existed, so it did not register itself; let setBackend load it`;
  }
  return `${packageName} did not register it`;
}
