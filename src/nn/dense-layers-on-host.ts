import * as tf from '@tensorflow/tfjs-core';
import { runHostKernel, type HostIO, type HostKernel } from '../backend/host-kernel';
import { onHostBackend } from '../math/can-read-sync';
import type { Activation } from './activation';
import { denseLayersModule, type DenseLayersModule } from './wasm/dense-layers-module';

/*
 * A stack of dense layers as one kernel per direction on cpu and wasm, run
 * by our WebAssembly module (wasm/dense-layers.c) instead of a matMul, a
 * transpose and a few elementwise kernels per layer. Inputs are copied into
 * the module's memory and outputs out of it (a [256, 64] batch: ~5 µs each
 * way). Only relu and linear layers: the others keep the tfjs path.
 */

/** Whether the layers can run here on the host path. */
function applies(activations: readonly Activation[], rows: number): boolean {
  return rows > 0 && activations.every((a) => a === 'relu' || a === 'linear') && onHostBackend() && denseLayersModule() !== null;
}

/** The kernels' attribute: 1 for a relu layer, 0 for a linear one. */
function reluFlags(activations: readonly Activation[]): number[] {
  return activations.map((a) => (a === 'relu' ? 1 : 0));
}

/**
 * Each layer's output `[1, rows, outSize]` for x `[1, rows, inSize]` and the
 * layers' kernels and biases — or the last layer's alone when `hidden` is
 * false (no gradient to come: sampling); null where the host path does not apply.
 */
export function denseLayersForwardOnHost(
  x: tf.Tensor3D,
  kernels: readonly tf.Tensor2D[],
  biases: readonly tf.Tensor[],
  activations: readonly Activation[],
  hidden: boolean,
): tf.Tensor3D[] | null {
  if (!applies(activations, x.shape[1])) return null;
  const params = kernels.flatMap((kernel, i) => [kernel, biases[i] as tf.Tensor]);
  const attrs = { relu: reluFlags(activations), hidden: hidden ? 1 : 0 };
  return runHostKernel('LatentDenseLayers', forwardKernel, [x, ...params], attrs) as tf.Tensor3D[] | null;
}

/** What {@link denseLayersBackwardOnHost} returns: ∂L/∂x `[rows, inSize]` and each layer's kernel and bias gradients. */
export interface DenseLayersGradients {
  dx: tf.Tensor;
  kernels: tf.Tensor[];
  biases: tf.Tensor[];
}

/**
 * The backward pass given dy `[1, rows, outSize]`, the input and each
 * layer's output (`hidden`, as the forward pass returned them) and the
 * kernels; null where the host path does not apply.
 */
export function denseLayersBackwardOnHost(dy: tf.Tensor3D, hidden: readonly tf.Tensor3D[], kernels: readonly tf.Tensor2D[], activations: readonly Activation[]): DenseLayersGradients | null {
  if (!applies(activations, dy.shape[1])) return null;
  const [dx, ...rest] = runHostKernel('LatentDenseLayersGrad', backwardKernel, [dy, ...hidden, ...kernels], { relu: reluFlags(activations) }) as [tf.Tensor, ...tf.Tensor[]];
  return { dx, kernels: rest.filter((_, i) => i % 2 === 0), biases: rest.filter((_, i) => i % 2 === 1) };
}

/** Places arrays one after another in the module's memory, each at a 16-byte boundary; returns float indices. */
function layout(module: DenseLayersModule, sizes: readonly number[]): { memory: Float32Array; at: number[] } {
  const at: number[] = [];
  let next = module.start;
  for (const size of sizes) {
    at.push(next);
    next += Math.ceil(size / 4) * 4;
  }
  // 4 floats of room: the module reads up to 3 past the end of an array (dense-layers.c, gemm).
  return { memory: module.reserve(next - module.start + 4), at };
}

function copyIn(io: HostIO, info: tf.TensorInfo, memory: Float32Array, to: number): void {
  const [values, from] = io.view(info);
  memory.set(values.subarray(from, from + tf.util.sizeFromShape(info.shape)), to);
}

function copyOut(io: HostIO, memory: Float32Array, from: number, info: tf.TensorInfo): void {
  const [values, to] = io.view(info);
  values.set(memory.subarray(from, from + tf.util.sizeFromShape(info.shape)), to);
}

// Inputs: x [1, rows, in], then each layer's kernel [in, out] and bias [out].
// Outputs: each layer's [1, rows, out], or the last one's alone when attrs.hidden is 0.
const forwardKernel: HostKernel = (infos, io, attrs) => {
  const relu = attrs.relu as number[];
  const [x, ...params] = infos as [tf.TensorInfo, ...tf.TensorInfo[]];
  const rows = x.shape[1] as number;
  const kernels = params.filter((_, i) => i % 2 === 0);
  const module = denseLayersModule() as DenseLayersModule;
  const { memory, at } = layout(module, [
    ...[x, ...params].map((info) => tf.util.sizeFromShape(info.shape)),
    ...kernels.map((kernel) => rows * (kernel.shape[1] as number)),
  ]);
  const outputAt = at.slice(1 + params.length);
  const kept = attrs.hidden === 1 ? kernels.map((_, i) => i) : [kernels.length - 1];
  const outputs = kept.map((i) => io.output([1, rows, (kernels[i] as tf.TensorInfo).shape[1] as number]));
  [x, ...params].forEach((info, i) => copyIn(io, info, memory, at[i] as number));
  let input = at[0] as number;
  kernels.forEach((kernel, i) => {
    const [inSize, outSize] = kernel.shape as [number, number];
    module.exports.dense_forward(input * 4, (at[1 + 2 * i] as number) * 4, (at[2 + 2 * i] as number) * 4, (outputAt[i] as number) * 4, rows, inSize, outSize, relu[i] as number);
    input = outputAt[i] as number;
  });
  outputs.forEach((info, k) => copyOut(io, memory, outputAt[kept[k] as number] as number, info));
  return outputs;
};

// Inputs: dy [1, rows, out], x [1, rows, in], each layer's output, each layer's kernel.
// Outputs: dx [rows, in], then each layer's kernel and bias gradients.
const backwardKernel: HostKernel = (infos, io, attrs) => {
  const relu = attrs.relu as number[];
  const count = relu.length;
  const dy = infos[0] as tf.TensorInfo;
  const hidden = infos.slice(1, count + 2);
  const kernels = infos.slice(count + 2);
  const rows = dy.shape[1] as number;
  const module = denseLayersModule() as DenseLayersModule;
  const widest = Math.max(...hidden.map((h) => h.shape[2] as number));
  const scratch = Math.max(...kernels.map((k) => tf.util.sizeFromShape(k.shape)));
  const inputs = [...hidden, ...kernels];
  // Memory first: if it cannot grow, no output has been made to leak.
  const { memory, at } = layout(module, [
    ...inputs.map((info) => tf.util.sizeFromShape(info.shape)),
    ...kernels.flatMap((kernel) => [tf.util.sizeFromShape(kernel.shape), kernel.shape[1] as number]),
    rows * widest,
    rows * widest,
    scratch,
  ]);
  const dx = io.output([rows, (kernels[0] as tf.TensorInfo).shape[0] as number]);
  const gradients = kernels.flatMap((kernel) => [io.output([...kernel.shape]), io.output([kernel.shape[1] as number])]);
  inputs.forEach((info, i) => copyIn(io, info, memory, at[i] as number));
  const gradientAt = at.slice(inputs.length, inputs.length + gradients.length);
  let [d, other, wT] = at.slice(inputs.length + gradients.length) as [number, number, number];
  copyIn(io, dy, memory, d);
  const { dense_backward } = module.exports;
  for (let i = count - 1; i >= 0; i--) {
    const [inSize, outSize] = (kernels[i] as tf.TensorInfo).shape as [number, number];
    dense_backward(d * 4, (at[i + 1] as number) * 4, (at[i] as number) * 4, (at[count + 1 + i] as number) * 4, (gradientAt[2 * i] as number) * 4, (gradientAt[2 * i + 1] as number) * 4, other * 4, wT * 4, rows, inSize, outSize, relu[i] as number);
    [d, other] = [other, d];
  }
  copyOut(io, memory, d, dx);
  gradients.forEach((info, i) => copyOut(io, memory, gradientAt[i] as number, info));
  return [dx, ...gradients];
};
