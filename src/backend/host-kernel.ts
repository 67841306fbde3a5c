import * as tf from '@tensorflow/tfjs-core';
import { heapView, type WasmBackend } from './replace-wasm-kernel';

/** What a {@link HostKernel} reads and writes float32 values through, the same on cpu and wasm. */
export interface HostIO {
  /** A new float32 tensor of `shape`. Make every output before taking a view: on wasm a new output may move the heap. */
  output(shape: number[]): tf.TensorInfo;
  /** The array holding the values of `info` (float32), and the index of its first value there. */
  view(info: tf.TensorInfo): [Float32Array, number];
}

/** A kernel written once in JavaScript for the backends whose values live in this thread's memory. */
export type HostKernel = (inputs: tf.TensorInfo[], io: HostIO, attrs: tf.NamedAttrMap) => tf.TensorInfo[];

const HOST_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * Runs `kernel` as the kernel `name` of the current backend when that is cpu
 * or wasm (registered there on first use) and returns its outputs; returns
 * null on any other backend, whose values live on a device. Pays where tf ops
 * would take a kernel per tensor (reshapes and a concatenation) for little
 * arithmetic; not for arithmetic over many values, where wasm's vectorised
 * kernels win (Adam's update of 171k values as one JavaScript loop: 4.7 ms,
 * against 2.8 ms as sixteen tf ops). Inputs are float32.
 */
export function runHostKernel(name: string, kernel: HostKernel, inputs: tf.Tensor[], attrs: tf.NamedAttrMap = {}): tf.Tensor[] | null {
  const backendName = tf.getBackend();
  if (!(HOST_BACKENDS as readonly string[]).includes(backendName)) return null;
  if (tf.getKernel(name, backendName) === undefined) {
    tf.registerKernel({
      kernelName: name,
      backendName,
      kernelFunc: ({ inputs: named, backend, attrs: given }) =>
        kernel(Object.values(named) as tf.TensorInfo[], backendName === 'wasm' ? wasmIO(backend as unknown as WasmBackend) : cpuIO(backend as unknown as CpuBackend), given ?? {}),
    });
  }
  return tf.engine().runKernel(name, Object.fromEntries(inputs.map((t, i) => [i, t])), attrs) as unknown as tf.Tensor[];
}

interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  data: { get(dataId: tf.DataId): { values: Float32Array } };
}

function cpuIO(backend: CpuBackend): HostIO {
  return {
    output: (shape) => backend.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    view: (info) => [backend.data.get(info.dataId).values, 0],
  };
}

function wasmIO(backend: WasmBackend): HostIO {
  return {
    output: (shape) => backend.makeOutput(shape, 'float32'),
    view: (info) => heapView(backend, info) as [Float32Array, number],
  };
}

/**
 * A loop over the values of float32 inputs of one shape: reads input k's
 * i-th value at `inputs[k][at[k] + i]` and writes the result to `out[to + i]`.
 */
export type ElementwiseLoop = (inputs: Float32Array[], at: number[], out: Float32Array, to: number, size: number) => void;

/**
 * `loop` as the kernel `name` on cpu and wasm ({@link runHostKernel}; one
 * loop per name): one float32 output of the inputs' shape. Null on other
 * backends or for inputs that are not float32 or not of one shape.
 */
export function runHostElementwise(name: string, loop: ElementwiseLoop, inputs: tf.Tensor[]): tf.Tensor | null {
  const shape = (inputs[0] as tf.Tensor).shape;
  if (!inputs.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, shape))) return null;
  // Registered on first use: everything but `loop` comes from the inputs.
  const kernel: HostKernel = (infos, io) => {
    const out = io.output([...(infos[0] as tf.TensorInfo).shape]);
    const [target, to] = io.view(out);
    const views = infos.map((info) => io.view(info));
    loop(
      views.map(([values]) => values),
      views.map(([, at]) => at),
      target,
      to,
      tf.util.sizeFromShape(out.shape),
    );
    return [out];
  };
  return runHostKernel(name, kernel, inputs)?.[0] ?? null;
}
