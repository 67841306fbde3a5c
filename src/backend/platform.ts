/**
 * What differs between Node and the browser when starting a backend. This is
 * the Node version; the browser build swaps in `platform.browser.ts` (see
 * tsup.config.ts), so no Node module reaches a browser bundle.
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeError } from '../errors';
import type { BackendName } from './backend-name';

interface MinimalGPU {
  requestAdapter(): Promise<unknown>;
}

/** Node: wasm is fast for element-wise work and single-threaded; webgpu needs Dawn. */
export const DEFAULT_PREFERENCE: readonly BackendName[] = ['wasm', 'cpu'];

export const PLATFORM = 'node';

// Importing latent in Node registers the cpu backend (a required peer), so that nothing
// fails with "No backend found in registry" before initBackend(). Its tfjs factory prints an
// advert for tfjs-node on the first tensor; latent uses cpu or wasm on purpose, so until a cpu
// backend has started, register one that starts with the advert marked as shown.
if (tf.engine().registry.cpu === undefined) {
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => Object.assign(new MathBackendCPU(), { firstUse: false }), 1);
}


/** The directory holding the wasm backend's `.wasm` files, found through Node's resolver. */
export function defaultWasmPaths(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
  } catch {
    return undefined;
  }
}

/**
 * Makes `navigator.gpu` exist, from the optional `webgpu` package (Dawn), so
 * that `@tensorflow/tfjs-backend-webgpu` registers itself when imported next.
 * Returns why WebGPU cannot run, or undefined when an adapter exists.
 */
export async function prepareWebGPU(): Promise<string | undefined> {
  const g = globalThis as { navigator?: { gpu?: MinimalGPU } };
  if (g.navigator?.gpu === undefined) {
    let dawn: { create(flags: string[]): MinimalGPU; globals: object };
    try {
      dawn = (await import('webgpu')) as unknown as typeof dawn;
    } catch (e) {
      return `WebGPU in Node needs the optional package 'webgpu' (npm install webgpu): ${describeError(e)}`;
    }
    process.env.XDG_RUNTIME_DIR ??= tmpdir(); // silences a Dawn warning
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    } else {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    }
  }
  const adapter = await g.navigator!.gpu!.requestAdapter();
  if (adapter === null) {
    return 'no WebGPU adapter was found (Dawn needs a Vulkan driver; on Debian install mesa-vulkan-drivers 25 or newer for the software lavapipe device)';
  }
  return undefined;
}
