import * as tf from '@tensorflow/tfjs-core';

export type HeapValues = Float32Array | Int32Array | Uint8Array;

/** The part of tfjs-backend-wasm's backend that a kernel written in JavaScript needs. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
  /** A view of a tensor's values on the wasm heap; taken after the last `makeOutput`, which may grow the heap and detach older views. */
  typedArrayFromHeap(info: tf.TensorInfo): HeapValues;
}

export type WasmKernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend };

/**
 * Registers `fast` as the wasm backend's kernel `name` in place of tfjs's,
 * keeping tfjs's for string tensors (and handing it to `fast`, for the
 * cases `fast` leaves to it). Changes nothing where the wasm backend has
 * no such kernel.
 */
export function replaceWasmKernel(
  name: string,
  fast: (args: WasmKernelArgs, original: (args: WasmKernelArgs) => tf.TensorInfo | tf.TensorInfo[]) => tf.TensorInfo | tf.TensorInfo[],
): void {
  const original = tf.getKernel(name, 'wasm');
  if (original === undefined) return;
  const tfjs = (args: WasmKernelArgs) => original.kernelFunc(args as never) as tf.TensorInfo | tf.TensorInfo[];
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const input = Object.values(args.inputs)[0] as tf.TensorInfo;
      return input.dtype === 'string' ? original.kernelFunc(args) : fast(args as unknown as WasmKernelArgs, tfjs);
    },
  });
}
