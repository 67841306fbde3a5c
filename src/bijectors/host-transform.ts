import * as tf from '@tensorflow/tfjs-core';
import { runHostKernel, type HostKernel } from '../backend/host-kernel';

/**
 * An elementwise transform (see `ElementwiseTransform`) written as scalar
 * code for one coordinate, for cpu and wasm: there one JavaScript loop each
 * way replaces the dozens of kernels a layer records as tf ops (tfjs's
 * bookkeeping, not the arithmetic, is most of a small flow's training step).
 */
export interface ScalarTransform {
  /** Parameters per coordinate. */
  readonly paramsPerDim: number;
  /** Writes the value and the log-det at `v` (raw parameters `params[at …]`) to `out[o]` and `out[o + 1]`. */
  forward(v: number, params: Float32Array, at: number, out: Float32Array, o: number): void;
  /**
   * Given the adjoints of the value (`a`) and the log-det (`l`), writes the
   * parameters' adjoints to `paramsBar[row …]` and returns v's.
   */
  backward(v: number, params: Float32Array, at: number, a: number, l: number, paramsBar: Float32Array, row: number): number;
}

/**
 * Inside a `tf.customGrad` forward function: on cpu and wasm, value and
 * log-det stacked on a last axis with their gradient, computed by
 * `transform` (registered as the kernels `name` and `name` + "Grad": the
 * name must say everything the transform's constants depend on); null on
 * other backends, or when `params` is not `[...input.shape, paramsPerDim]`.
 */
export function hostTransformResult(
  name: string,
  transform: ScalarTransform,
  input: tf.Tensor,
  params: tf.Tensor,
  save: tf.GradSaveFunc,
): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } | null {
  if (!tf.util.arraysEqual(params.shape, [...input.shape, transform.paramsPerDim])) return null;
  const [value] = runHostKernel(name, forwardKernel(transform), [input, params]) ?? [];
  if (value === undefined) return null;
  save([input, params]);
  return {
    value,
    gradFunc: (dy, [x, raw]) => {
      const grads = runHostKernel(`${name}Grad`, gradientKernel(transform), [x as tf.Tensor, raw as tf.Tensor, dy]);
      if (grads === null) throw new Error(`${name}: the backend changed to ${tf.getBackend()} between a pass on cpu/wasm and its gradient`);
      return grads;
    },
  };
}

function forwardKernel(transform: ScalarTransform): HostKernel {
  return ([input, params], io) => {
    const x = input as tf.TensorInfo;
    const out = io.output([...x.shape, 2]);
    const [target, to] = io.view(out);
    const [values, from] = io.view(x);
    const [raw, base] = io.view(params as tf.TensorInfo);
    const stride = transform.paramsPerDim;
    for (let e = 0, size = tf.util.sizeFromShape(x.shape); e < size; e++) transform.forward(values[from + e] as number, raw, base + e * stride, target, to + 2 * e);
    return [out];
  };
}

function gradientKernel(transform: ScalarTransform): HostKernel {
  return ([input, params, dy], io) => {
    const x = input as tf.TensorInfo;
    const inputBar = io.output([...x.shape]);
    const paramsBar = io.output([...(params as tf.TensorInfo).shape]);
    const [xBar, xAt] = io.view(inputBar);
    const [pBar, pAt] = io.view(paramsBar);
    const [values, from] = io.view(x);
    const [raw, base] = io.view(params as tf.TensorInfo);
    const [bars, barsAt] = io.view(dy as tf.TensorInfo);
    const stride = transform.paramsPerDim;
    for (let e = 0, size = tf.util.sizeFromShape(x.shape); e < size; e++) {
      const a = bars[barsAt + 2 * e] as number;
      const l = bars[barsAt + 2 * e + 1] as number;
      xBar[xAt + e] = transform.backward(values[from + e] as number, raw, base + e * stride, a, l, pBar, pAt + e * stride);
    }
    return [inputBar, paramsBar];
  };
}
