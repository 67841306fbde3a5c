/** Browser version of `platform.ts` (see there). */
import type { BackendName } from './backend-name';

interface MinimalGPU {
  requestAdapter(): Promise<unknown>;
}

/** Browser: GPU first, then wasm, then the plain-JS cpu backend. */
export const DEFAULT_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const PLATFORM = 'browser';

/** In the browser the page must serve the `.wasm` files; pass `wasmPaths` to say where. */
export function defaultWasmPaths(): string | undefined {
  return undefined;
}

export async function prepareWebGPU(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: MinimalGPU } }).navigator?.gpu;
  if (gpu === undefined) return 'this browser has no navigator.gpu (WebGPU is off or unsupported)';
  const adapter = await gpu.requestAdapter();
  return adapter === null ? 'navigator.gpu.requestAdapter() found no adapter' : undefined;
}
