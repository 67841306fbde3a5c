import * as tf from '@tensorflow/tfjs-core';

type Values = Float32Array | Int32Array | Uint8Array;

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Values;
}

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend };

let installed = false;

/**
 * Replaces the wasm backend's copying kernels — Slice, SplitV, Unpack and
 * Concat — by ones that copy only what they return, element by element where
 * the contiguous runs are short. tfjs-backend-wasm 4.22 first copies the
 * whole input out of the heap (`readSync`) for every slice, so each piece of
 * a `split` or `unstack` costs the size of its input (cutting a 36,000-float
 * vector into 48 pieces took 5 ms), and copies every run, however short,
 * with a typed-array `set` (splitting or joining the columns of 10,000 × 2
 * points: 2 ms). A flow works column by column on such data. Same results,
 * bit for bit; strings go to the original kernels.
 */
export function installWasmCopyKernels(): void {
  if (installed) return;
  const originals = ['Slice', 'SplitV', 'Unpack', 'Concat'].map((name) => tf.getKernel(name, 'wasm'));
  if (originals.some((k) => k === undefined)) return;
  installed = true;
  const [slice, splitV, unpack, concat] = originals as [tf.KernelConfig, tf.KernelConfig, tf.KernelConfig, tf.KernelConfig];
  replace(slice, ({ inputs: { x }, attrs, backend }) => {
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
    return copySlice(backend, x as tf.TensorInfo, begin, size);
  });
  replace(splitV, ({ inputs: { x }, attrs, backend }) => {
    const input = x as tf.TensorInfo;
    const axis = tf.util.parseAxisParam(attrs.axis as number, input.shape)[0] as number;
    const sizes = tf.backend_util.prepareSplitSize(input as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = input.shape.map(() => 0);
    return sizes.map((s) => {
      const size = [...input.shape];
      size[axis] = s;
      const out = copySlice(backend, input, [...begin], size);
      begin[axis] = (begin[axis] as number) + s;
      return out;
    });
  });
  replace(unpack, ({ inputs: { value }, attrs, backend }) => {
    const input = value as tf.TensorInfo;
    const axis = ((attrs.axis as number) + input.shape.length) % input.shape.length;
    const size = [...input.shape];
    size[axis] = 1;
    const outShape = input.shape.filter((_, i) => i !== axis);
    return Array.from({ length: input.shape[axis] as number }, (_, i) => {
      const begin = input.shape.map((_, j) => (j === axis ? i : 0));
      const { dataId, dtype } = copySlice(backend, input, begin, size);
      return { dataId, dtype, shape: outShape };
    });
  });

  replace(concat, ({ inputs, attrs, backend }) => {
    const all = Object.values(inputs);
    const parts = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    const first = all[0] as tf.TensorInfo;
    if (parts.length < 2) return concat.kernelFunc({ inputs, attrs, backend } as never) as tf.TensorInfo;
    const axis = tf.util.parseAxisParam(attrs.axis as number, first.shape)[0] as number;
    const out = backend.makeOutput(tf.backend_util.computeOutShape(all.map((t) => t.shape), axis), first.dtype);
    const target = backend.typedArrayFromHeap(out);
    const sources = parts.map((t) => backend.typedArrayFromHeap(t));
    const inner = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const total = inner.reduce((a, b) => a + b, 0);
    const rows = tf.util.sizeFromShape(first.shape.slice(0, axis));
    for (let r = 0; r < rows; r++) {
      let offset = r * total;
      sources.forEach((source, i) => {
        const n = inner[i] as number;
        copyRun(target, offset, source, r * n, n);
        offset += n;
      });
    }
    return out;
  });

  function replace(original: tf.KernelConfig, fast: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): void {
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const input = Object.values(args.inputs)[0] as tf.TensorInfo;
        return input.dtype === 'string' ? original.kernelFunc(args) : fast(args as unknown as KernelArgs);
      },
    });
  }
}

/** target[to..to+n) = source[from..from+n): a loop for short runs, where `set` costs more than the copy. */
function copyRun(target: Values, to: number, source: Values, from: number, n: number): void {
  if (n < 64) {
    for (let i = 0; i < n; i++) target[to + i] = source[from + i] as number;
  } else {
    target.set(source.subarray(from, from + n), to);
  }
}

/** The block `begin`…`begin + size` of x, copied run by run (the last axis is contiguous in both). */
function copySlice(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views taken after makeOutput, which may grow the heap and detach earlier ones.
  const target = backend.typedArrayFromHeap(out);
  const source = backend.typedArrayFromHeap(x);
  const rank = x.shape.length;
  if (rank === 0 || target.length === 0) {
    if (target.length > 0) target[0] = source[0] as number;
    return out;
  }
  const strides = [...tf.util.computeStrides(x.shape), 1];
  const run = size[rank - 1] as number;
  const runs = target.length / run;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < runs; r++) {
    let offset = begin[rank - 1] as number;
    for (let d = 0; d < rank - 1; d++) offset += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    copyRun(target, r * run, source, offset, run);
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (size[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}
