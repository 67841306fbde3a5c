import * as tf from '@tensorflow/tfjs-core';
import { type HeapValues, heapView, replaceWasmKernel, type WasmBackend } from './replace-wasm-kernel';

let installed = false;

/**
 * Replaces the wasm backend's copying kernels — Slice, SplitV, Unpack,
 * Concat, Pack, Transpose, Reverse, Tile and GatherV2 — by ones that copy only what
 * they return, element by element where the contiguous runs are short; and
 * Identity, and Cast to the same dtype, by ones that share their input's
 * memory as the cpu backend's do (tfjs-backend-wasm copies: `tf.where`
 * clones both branches, and every Multiply's gradient casts both factors).
 * tfjs-backend-wasm 4.22 first copies the whole input out of the heap (`readSync`) for every
 * slice, so each piece of a `split` or `unstack` costs the size of its input
 * (cutting a 36,000-float vector into 48 pieces took 5 ms), and copies every
 * run, however short, with a typed-array `set` (splitting or joining the
 * columns of 10,000 × 2 points: 2 ms). A flow works column by column on such
 * data. Its Tile and GatherV2 compute a multi-index per element: broadcasting
 * a scalar to 1e6 values took 43 ms (a `tf.where` with a constant branch
 * does that), gathering 1e6 values from a table 50 ms; here 0.3 and 8 ms.
 * Same results, bit for bit; strings go to the original kernels.
 */
export function installWasmCopyKernels(): void {
  if (installed) return;
  installed = true;
  replaceWasmKernel('Slice', ({ inputs: { x }, attrs, backend }) => {
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
    return copySlice(backend, x as tf.TensorInfo, begin, size);
  });
  replaceWasmKernel('SplitV', ({ inputs: { x }, attrs, backend }) => {
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
  replaceWasmKernel('Unpack', ({ inputs: { value }, attrs, backend }) => {
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
  replaceWasmKernel('Concat', (args, original) => {
    const { inputs, attrs, backend } = args;
    const all = Object.values(inputs);
    if (all.filter((t) => tf.util.sizeFromShape(t.shape) > 0).length < 2) return original(args);
    const axis = tf.util.parseAxisParam(attrs.axis as number, (all[0] as tf.TensorInfo).shape)[0] as number;
    return concatenate(backend, all, all.map((t) => t.shape), axis);
  });
  replaceWasmKernel('Pack', (args, original) => {
    const { inputs, attrs, backend } = args;
    const all = Object.values(inputs);
    if (all.length < 2) return original(args);
    const shape = (all[0] as tf.TensorInfo).shape;
    const axis = tf.util.parseAxisParam(attrs.axis as number, [...shape, 1])[0] as number;
    return concatenate(backend, all, all.map(() => [...shape.slice(0, axis), 1, ...shape.slice(axis)]), axis);
  });
  replaceWasmKernel('Identity', ({ inputs: { x }, backend }) => share(backend, x as tf.TensorInfo));
  // Every Multiply's gradient casts both factors to float32, which they already are.
  replaceWasmKernel('Cast', (args, original) => ((args.inputs.x as tf.TensorInfo).dtype === args.attrs.dtype ? share(args.backend, args.inputs.x as tf.TensorInfo) : original(args)));
  replaceWasmKernel('Transpose', ({ inputs: { x }, attrs, backend }) => transpose(backend, x as tf.TensorInfo, attrs.perm as number[]));
  replaceWasmKernel('Reverse', ({ inputs: { x }, attrs, backend }) => {
    const input = x as tf.TensorInfo;
    return reverse(backend, input, tf.util.parseAxisParam(attrs.dims as number | number[], input.shape));
  });
  replaceWasmKernel('Tile', ({ inputs: { x }, attrs, backend }) => tile(backend, x as tf.TensorInfo, attrs.reps as number[]));
  replaceWasmKernel('GatherV2', ({ inputs: { x, indices }, attrs, backend }) =>
    gather(backend, x as tf.TensorInfo, indices as tf.TensorInfo, attrs.axis as number, (attrs.batchDims as number | undefined) ?? 0),
  );
}

/** The tensors `all`, read with the given shapes, joined along `axis`: each output row (the axes before `axis`) is every input's row in turn. */
function concatenate(backend: WasmBackend, all: tf.TensorInfo[], shapes: number[][], axis: number): tf.TensorInfo {
  const out = backend.makeOutput(tf.backend_util.computeOutShape(shapes, axis), (all[0] as tf.TensorInfo).dtype);
  const length = tf.util.sizeFromShape(out.shape);
  const [target, start] = heapView(backend, out);
  const rows = tf.util.sizeFromShape((shapes[0] as number[]).slice(0, axis));
  const width = length / Math.max(rows, 1);
  let column = start;
  all.forEach((t, i) => {
    const n = tf.util.sizeFromShape((shapes[i] as number[]).slice(axis));
    if (n === 0) return;
    const [source, from] = heapView(backend, t);
    if (n === 1) {
      for (let r = from, to = column, end = from + rows; r < end; r++, to += width) target[to] = source[r] as number;
    } else {
      for (let r = 0; r < rows; r++) copyRun(target, r * width + column, source, from + r * n, n);
    }
    column += n;
  });
  return out;
}

/** x itself under a new reference: its memory, counted once more (as the cpu backend's Identity does). */
function share(backend: WasmBackend, { dataId, shape, dtype }: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(dataId);
  return { dataId, shape, dtype };
}

/** target[to..to+n) = source[from..from+n): a loop for short runs, where `set` costs more than the copy. */
function copyRun(target: HeapValues, to: number, source: HeapValues, from: number, n: number): void {
  if (n < 64) {
    for (let i = 0; i < n; i++) target[to + i] = source[from + i] as number;
  } else {
    target.set(source.subarray(from, from + n), to);
  }
}

/** The block `begin`…`begin + size` of x, copied as a few nested loops of contiguous runs (see {@link blockLoops}). */
function copySlice(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views taken after makeOutput, which may grow the heap and detach earlier ones.
  const length = tf.util.sizeFromShape(size);
  if (length === 0) return out;
  const [target, start] = heapView(backend, out);
  const [source, base] = heapView(backend, x);
  const strides = [...tf.util.computeStrides(x.shape), 1];
  let from = base + begin.reduce((offset, b, d) => offset + b * (strides[d] as number), 0);
  const { run, counts, steps } = blockLoops(size, strides);
  if (counts.length === 0) {
    copyRun(target, start, source, from, run);
  } else if (counts.length === 1 && run === 1) {
    const step = steps[0] as number;
    for (let to = start, end = start + length; to < end; to++, from += step) target[to] = source[from] as number;
  } else if (counts.length === 1) {
    const step = steps[0] as number;
    for (let to = start, end = start + length; to < end; to += run, from += step) copyRun(target, to, source, from, run);
  } else {
    const index = counts.map(() => 0);
    for (let to = start, end = start + length; to < end; to += run) {
      copyRun(target, to, source, from, run);
      for (let d = counts.length - 1; d >= 0; d--) {
        index[d] = (index[d] as number) + 1;
        from += steps[d] as number;
        if ((index[d] as number) < (counts[d] as number)) break;
        from -= (index[d] as number) * (steps[d] as number);
        index[d] = 0;
      }
    }
  }
  return out;
}

/**
 * A block of `size` in a row-major tensor with element `strides`, as the
 * fewest loops: `run` contiguous values, repeated `counts[d]` times `steps[d]`
 * apart (outermost first). Axes of extent 1 are dropped, whole rows join the
 * run, and an axis whose step is its inner loop's whole extent joins that loop
 * (unstacking [10000, 2, 2] on its last axis is one loop of 20,000 single
 * values, not an odometer over two axes).
 */
function blockLoops(size: number[], strides: number[]): { run: number; counts: number[]; steps: number[] } {
  let d = size.length - 1;
  let run = Math.max(size[d] ?? 1, 1);
  for (d--; d >= 0 && (size[d] === 1 || strides[d] === run); d--) run *= size[d] as number;
  const counts: number[] = [];
  const steps: number[] = [];
  for (; d >= 0; d--) {
    const n = size[d] as number;
    if (n === 1) continue;
    const stride = strides[d] as number;
    if (counts.length > 0 && stride === (counts[0] as number) * (steps[0] as number)) counts[0] = (counts[0] as number) * n;
    else {
      counts.unshift(n);
      steps.unshift(stride);
    }
  }
  return { run, counts, steps };
}

/**
 * x with its axes permuted: output axis d is input axis perm[d]; walks the
 * output in order, reading the input with the stride of the axis that lands
 * last. Always a copy, even when only axes of extent 1 move ([n, 1] → [1, n]):
 * tfjs-wasm caches a matMul's packed right operand by tensor id, whatever its
 * shape, so a transpose sharing its input's memory (and id) was multiplied as
 * the input (NaN in ProbabilisticPCA's EM with q = 1).
 */
function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  const rank = x.shape.length;
  const shape = perm.map((axis) => x.shape[axis] as number);
  const out = backend.makeOutput(shape, x.dtype);
  const length = tf.util.sizeFromShape(shape);
  if (length === 0) return out;
  const [target, start] = heapView(backend, out);
  const [source, base] = heapView(backend, x);
  if (rank === 2 && perm[0] === 1) {
    transpose2d(target, start, source, base, x.shape[0] as number, x.shape[1] as number);
    return out;
  }
  const strides = [...tf.util.computeStrides(x.shape), 1];
  walk(target, start, source, base, shape, perm.map((axis) => strides[axis] as number));
  return out;
}

/** x with the axes `dims` reversed: the walk over the output starts at the input's far end of those axes and steps back along them. */
function reverse(backend: WasmBackend, x: tf.TensorInfo, dims: number[]): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, x.dtype);
  const length = tf.util.sizeFromShape(x.shape);
  if (length === 0) return out;
  const [target, start] = heapView(backend, out);
  const [source, base] = heapView(backend, x);
  const strides = [...tf.util.computeStrides(x.shape), 1];
  const steps = x.shape.map((_, d) => (dims.includes(d) ? -(strides[d] as number) : (strides[d] as number)));
  const from = base + dims.reduce((offset, d) => offset + ((x.shape[d] as number) - 1) * (strides[d] as number), 0);
  walk(target, start, source, from, x.shape, steps);
  return out;
}

/** target[start…] = the values of source met walking `shape` in row-major order from `from`, axis d moving the source index by `steps[d]`. */
function walk(target: HeapValues, start: number, source: HeapValues, from: number, shape: number[], steps: number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    target[start] = source[from] as number;
    return;
  }
  const run = shape[rank - 1] as number;
  const step = steps[rank - 1] as number;
  const index = new Array<number>(rank - 1).fill(0);
  const end = start + tf.util.sizeFromShape(shape);
  for (let to = start; to < end; to += run) {
    for (let k = 0, p = from; k < run; k++, p += step) target[to + k] = source[p] as number;
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      from += steps[d] as number;
      if ((index[d] as number) < (shape[d] as number)) break;
      from -= (index[d] as number) * (steps[d] as number);
      index[d] = 0;
    }
  }
}

/** target [columns, rows] = source [rows, columns]ᵀ (from `start` and `base` in the heap), in tiles of 16 × 16 so that reads and writes both stay in the cache. */
function transpose2d(target: HeapValues, start: number, source: HeapValues, base: number, rows: number, columns: number): void {
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = Math.min(r0 + 16, rows);
    for (let c0 = 0; c0 < columns; c0 += 16) {
      const c1 = Math.min(c0 + 16, columns);
      for (let c = c0; c < c1; c++) {
        for (let r = r0, p = base + r0 * columns + c, q = start + c * rows + r0; r < r1; r++, p += columns, q++) target[q] = source[p] as number;
      }
    }
  }
}

/** x repeated `reps[d]` times along each axis d: each output row along the last axis is x's row repeated. */
function tile(backend: WasmBackend, x: tf.TensorInfo, reps: number[]): tf.TensorInfo {
  const shape = x.shape.map((d, i) => d * (reps[i] as number));
  const out = backend.makeOutput(shape, x.dtype);
  const length = tf.util.sizeFromShape(shape);
  if (length === 0) return out;
  const [target, start] = heapView(backend, out);
  const [source, base] = heapView(backend, x);
  if (tf.util.sizeFromShape(x.shape) === 1) {
    target.fill(source[base] as number, start, start + length);
    return out;
  }
  const rank = x.shape.length;
  const run = x.shape[rank - 1] as number;
  const strides = tf.util.computeStrides(x.shape);
  const rowLength = shape[rank - 1] as number;
  const index = new Array<number>(rank - 1).fill(0);
  for (let row = 0; row < length / rowLength; row++) {
    let from = base;
    for (let d = 0; d < rank - 1; d++) from += ((index[d] as number) % (x.shape[d] as number)) * (strides[d] as number);
    for (let to = start + row * rowLength, end = to + rowLength; to < end; to += run) copyRun(target, to, source, from, run);
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (shape[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}

/** tf.gather's kernel: out[b, o, i, s] = x[b, o, indices[b, i], s], every index checked first (tfjs's message). */
function gather(backend: WasmBackend, x: tf.TensorInfo, indices: tf.TensorInfo, axis: number, batchDims: number): tf.TensorInfo {
  const ax = tf.util.parseAxisParam(axis, x.shape)[0] as number;
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, ax, batchDims);
  const axisSize = x.shape[ax] as number;
  const count = tf.util.sizeFromShape(indices.shape);
  {
    const [ids, first] = heapView(backend, indices);
    for (let i = first; i < first + count; i++) {
      const index = ids[i] as number;
      if (!(index >= 0 && index <= axisSize - 1)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
    }
  }
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const [target, start] = heapView(backend, out);
  const [source, base] = heapView(backend, x);
  const [idx, first] = heapView(backend, indices);
  const { batchSize, outerSize, sliceSize } = info;
  const perBatch = count / batchSize;
  if (sliceSize === 1 && batchSize * outerSize === 1) {
    for (let i = 0; i < count; i++) target[start + i] = source[base + (idx[first + i] as number)] as number;
    return out;
  }
  let to = start;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const row = base + (b * outerSize + o) * axisSize * sliceSize;
      for (let i = 0; i < perBatch; i++) {
        copyRun(target, to, source, row + (idx[first + b * perBatch + i] as number) * sliceSize, sliceSize);
        to += sliceSize;
      }
    }
  }
  return out;
}
