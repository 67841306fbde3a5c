import * as tf from '@tensorflow/tfjs-core';

// Elementwise computations with dozens of intermediates would hold them all for every element:
// 1e7 values × 100 tensors is more than wasm's 4 GB. In chunks of this many elements they fit.
const CHUNK = 2 ** 18;

/**
 * `fn` applied to tensors of one shape, elementwise, over chunks of at most
 * 2^18 elements (each in its own tidy), reassembled to that shape. Not
 * differentiable as a whole: use it inside a custom gradient (its forward
 * pass or its gradient function).
 */
export function elementwiseInChunks(fn: (...inputs: tf.Tensor[]) => tf.Tensor, ...inputs: tf.Tensor[]): tf.Tensor {
  const shape = inputs[0]!.shape;
  const size = inputs[0]!.size;
  if (size <= CHUNK) return fn(...inputs);
  return tf.tidy(() => {
    const flat = inputs.map((t) => tf.reshape(t, [size]));
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < size; start += CHUNK) {
      const length = Math.min(CHUNK, size - start);
      parts.push(tf.tidy(() => fn(...flat.map((t) => tf.slice(t, start, length)))));
    }
    return tf.reshape(tf.concat(parts), shape);
  });
}
