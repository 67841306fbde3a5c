import { DENSE_LAYERS_WASM } from './dense-layers.generated';

/** dense-layers.c's exports, as wasm gives them (pointers are byte offsets). */
interface DenseLayersExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  dense_forward(input: number, w: number, bias: number, out: number, rows: number, inSize: number, outSize: number, relu: number): void;
  dense_backward(
    dOut: number,
    out: number,
    input: number,
    w: number,
    dW: number,
    db: number,
    dIn: number,
    wT: number,
    rows: number,
    inSize: number,
    outSize: number,
    relu: number,
  ): void;
}

/** The compiled dense-layers.c with its memory, addressed in float32 indices. */
export interface DenseLayersModule {
  readonly exports: DenseLayersExports;
  /** A view of the memory holding at least `floats` values from index {@link start}; grows it when needed. */
  reserve(floats: number): Float32Array;
  /** The first float index free for data. */
  readonly start: number;
}

let loaded: DenseLayersModule | null | undefined;

/**
 * The module, compiled on first use; null where this runtime cannot run it
 * (no WebAssembly, no SIMD, or a policy that forbids compiling), and callers
 * then take their tfjs path.
 */
export function denseLayersModule(): DenseLayersModule | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

function instantiate(): DenseLayersModule | null {
  let exports: DenseLayersExports;
  try {
    const bytes = Uint8Array.from(atob(DENSE_LAYERS_WASM), (c) => c.charCodeAt(0));
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as DenseLayersExports;
  } catch {
    return null;
  }
  const start = Math.ceil((exports.__heap_base.value as number) / 16) * 4;
  let view = new Float32Array(exports.memory.buffer);
  return {
    exports,
    start,
    reserve(floats) {
      const needed = (start + floats) * 4 - exports.memory.buffer.byteLength;
      if (needed > 0) exports.memory.grow(Math.ceil(needed / 65536));
      if (view.buffer !== exports.memory.buffer) view = new Float32Array(exports.memory.buffer);
      return view;
    },
  };
}
