import * as tf from '@tensorflow/tfjs-core';
import { activate, activationBackward, isFusable, type Activation } from './activation';
import { denseLayersBackwardOnHost, denseLayersForwardOnHost } from './dense-layers-on-host';

/** What the stacked operation needs of each layer: its activation and its connection mask, if any. */
export interface StackedLayer {
  readonly activation: Activation;
  readonly mask: tf.Tensor2D | null;
}

/** x `[..., inputSize]`, then each layer's kernel and bias; returns `[..., outputSize]`. */
export type DenseStackOp = (...inputs: tf.Tensor[]) => tf.Tensor;

/**
 * h = f(h·(W ⊙ mask) + b) for each layer in turn, as one recorded operation
 * with its gradient written for wasm, where most of a small network's
 * training step goes:
 * - tfjs records, saves and reshapes for every operation (3–10 µs a kernel);
 *   here the hidden values stay `[1, rows, width]` from layer to layer, and
 *   a network is one tape entry, not one per layer;
 * - the forward pass is one fused kernel per layer (tfjs's `fused.matMul`
 *   splits into matMul, a broadcast add and the activation while gradients
 *   are recorded; the add alone took 24 µs for a [256, 64] batch);
 * - the backward pass uses explicit transposes (tfjs's matMul gradient passes
 *   `transposeA`/`transposeB`, about 10x slower there than a transpose and a
 *   plain matMul) and takes each bias gradient as 1ᵀ·d (a [256, 64] sum over
 *   the batch transposes first there: 68 µs, against 18).
 * On cpu and wasm a stack of relu and linear layers skips all of that: each
 * direction is one kernel of our own WebAssembly module
 * (dense-layers-on-host.ts), 1.5–2x faster than tfjs-backend-wasm's matMuls
 * for a [256, 64] batch, which re-pack their right operand on every call.
 * Masks (MADE's) are applied inside, so they are neither recorded nor differentiated.
 */
export function denseStackOp(layers: readonly StackedLayer[]): DenseStackOp {
  const activations = layers.map((layer) => layer.activation);
  return tf.customGrad((...args) => {
    const save = args.pop() as unknown as tf.GradSaveFunc;
    const [x, ...weights] = args as [tf.Tensor, ...tf.Tensor[]];
    const inputSize = x.shape[x.rank - 1] as number;
    const rows = x.size / inputSize;
    const kernels = layers.map((layer, i) => {
      const kernel = weights[2 * i] as tf.Tensor2D;
      return layer.mask === null ? kernel : (tf.mul(kernel, layer.mask) as tf.Tensor2D);
    });
    const biases = layers.map((_, i) => weights[2 * i + 1] as tf.Tensor1D);
    const hidden: tf.Tensor3D[] = [tf.reshape(x, [1, rows, inputSize])];
    const onHost = denseLayersForwardOnHost(hidden[0] as tf.Tensor3D, kernels, biases, activations, gradientsRecorded());
    if (onHost !== null) hidden.push(...onHost);
    else {
      layers.forEach((layer, i) => {
        const kernel = kernels[i] as tf.Tensor2D;
        const fused = isFusable(layer.activation) ? layer.activation : 'linear';
        const b = tf.reshape(kernel, [1, ...kernel.shape]);
        const linear = tf.engine().runKernel('_FusedMatMul', { a: hidden[i] as tf.Tensor3D, b, bias: biases[i] as tf.Tensor1D }, { transposeA: false, transposeB: false, activation: fused }) as tf.Tensor3D;
        hidden.push(isFusable(layer.activation) ? linear : (activate(layer.activation, linear) as tf.Tensor3D));
      });
    }
    save([...hidden, ...kernels]);
    const outputSize = (hidden[hidden.length - 1] as tf.Tensor3D).shape[2];
    return {
      value: tf.reshape(hidden[hidden.length - 1] as tf.Tensor3D, [...x.shape.slice(0, -1), outputSize]),
      gradFunc: (dy, saved) => {
        const h = saved.slice(0, layers.length + 1) as tf.Tensor3D[];
        const w = saved.slice(layers.length + 1) as tf.Tensor2D[];
        // An empty batch: wasm's matMul over an inner axis of length 0 leaves its output uninitialised.
        if (rows === 0) return [tf.zeros(x.shape), ...w.flatMap((kernel) => [tf.zerosLike(kernel), tf.zeros([kernel.shape[1]])])];
        const onHost = denseLayersBackwardOnHost(tf.reshape(dy as tf.Tensor, [1, rows, outputSize]), h, w, activations);
        if (onHost !== null) {
          const masked = onHost.kernels.map((gradient, i) => ((layers[i] as StackedLayer).mask === null ? gradient : tf.mul(gradient, (layers[i] as StackedLayer).mask as tf.Tensor2D)));
          return [tf.reshape(onHost.dx, x.shape), ...masked.flatMap((gradient, i) => [gradient, onHost.biases[i] as tf.Tensor])];
        }
        const ones = tf.ones([1, 1, rows]);
        const gradients: tf.Tensor[] = [];
        let d = tf.reshape(dy as tf.Tensor, [1, rows, outputSize]) as tf.Tensor3D;
        for (let i = layers.length - 1; i >= 0; i--) {
          const layer = layers[i] as StackedLayer;
          const kernel = w[i] as tf.Tensor2D;
          d = activationBackward(layer.activation, d, h[i + 1] as tf.Tensor3D) as tf.Tensor3D;
          const kernelGradient = tf.reshape(tf.matMul(tf.transpose(h[i] as tf.Tensor3D, [0, 2, 1]), d), kernel.shape);
          gradients.push(tf.reshape(tf.matMul(ones, d), [kernel.shape[1]]), layer.mask === null ? kernelGradient : tf.mul(kernelGradient, layer.mask));
          d = tf.matMul(d, tf.transpose(kernel)) as tf.Tensor3D;
        }
        gradients.push(tf.reshape(d, x.shape));
        return gradients.reverse();
      },
    };
  }) as unknown as DenseStackOp;
}

/** Whether a gradient is being recorded (tf.grad and its kin), so that a backward pass may follow. */
function gradientsRecorded(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}
