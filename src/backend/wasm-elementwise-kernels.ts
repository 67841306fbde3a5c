import * as tf from '@tensorflow/tfjs-core';
import { forEachBroadcastRun } from './broadcast-runs';
import { type HeapValues, heapView, replaceWasmKernel, type WasmKernelArgs } from './replace-wasm-kernel';

const BINARY = ['Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'Maximum', 'Minimum'] as const;
type Binary = (typeof BINARY)[number];

let installed = false;

/**
 * Replaces the wasm backend's comparisons, LogicalAnd/Or and Maximum/Minimum
 * by loops in JavaScript over the wasm heap. tfjs-backend-wasm 4.22 takes
 * 3.5 ms for 1e6 comparisons and 10 ms for a Maximum with a scalar — against
 * 0.4 ms for a Multiply — and a distribution's support mask is a few of each
 * per logProb (here about 25 % faster). Results equal the cpu backend's
 * bit for bit: Maximum and Minimum return NaN when either input is NaN (tfjs's
 * wasm kernel returned the first input's value if the second was NaN).
 */
export function installWasmElementwiseKernels(): void {
  if (installed) return;
  installed = true;
  for (const name of BINARY) replaceWasmKernel(name, (args) => binary(name, args));
}

function binary(name: Binary, { inputs: { a, b }, backend }: WasmKernelArgs): tf.TensorInfo {
  const [x, y] = [a, b] as [tf.TensorInfo, tf.TensorInfo];
  const shape = tf.backend_util.assertAndGetBroadcastShape(x.shape, y.shape);
  const dtype: tf.DataType = name === 'Maximum' || name === 'Minimum' ? tf.upcastType(x.dtype, y.dtype) : 'bool';
  const out = backend.makeOutput(shape, dtype);
  const [target, start] = heapView(backend, out);
  const [u, uStart] = heapView(backend, x);
  const [v, vStart] = heapView(backend, y);
  forEachBroadcastRun(shape, [x.shape, y.shape], (to, [i, j], [di, dj], n) =>
    run(name, target, start + to, u, uStart + (i as number), di as number, v, vStart + (j as number), dj as number, n),
  );
  return out;
}

/** One run: target[to + k] = u[i + k·di] (op) v[j + k·dj], k < n; one loop per operation, so each stays monomorphic, stepping indices by addition (a multiply per element costs half again). */
function run(name: Binary, target: HeapValues, to: number, u: HeapValues, i: number, di: number, v: HeapValues, j: number, dj: number, n: number): void {
  const end = to + n;
  switch (name) {
    case 'Less':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) < (v[q] as number));
      return;
    case 'LessEqual':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) <= (v[q] as number));
      return;
    case 'Greater':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) > (v[q] as number));
      return;
    case 'GreaterEqual':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) >= (v[q] as number));
      return;
    case 'Equal':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) === (v[q] as number));
      return;
    case 'NotEqual':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = +((u[p] as number) !== (v[q] as number));
      return;
    case 'LogicalAnd':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = (u[p] as number) & (v[q] as number); // booleans are 0 or 1
      return;
    case 'LogicalOr':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = (u[p] as number) | (v[q] as number);
      return;
    case 'Maximum':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = Math.max(u[p] as number, v[q] as number);
      return;
    case 'Minimum':
      for (let k = to, p = i, q = j; k < end; k++, p += di, q += dj) target[k] = Math.min(u[p] as number, v[q] as number);
      return;
  }
}
