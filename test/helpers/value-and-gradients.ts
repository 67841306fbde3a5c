import * as tf from '@tensorflow/tfjs-core';
import { values } from './backends';

/**
 * For an elementwise transform `f(v, params) → [value, logDet]`: the value,
 * the log-det and the gradients of Σ w₁·value + w₂·logDet in v and params,
 * read back as arrays (every tensor made is freed).
 */
export async function valueAndGradients(
  f: (v: tf.Tensor, params: tf.Tensor) => [tf.Tensor, tf.Tensor],
  v: tf.Tensor,
  params: tf.Tensor,
  w: [tf.Tensor, tf.Tensor],
): Promise<number[][]> {
  const results = tf.tidy(() => {
    const [value, logDet] = f(v, params);
    const grads = tf.grads((a: tf.Tensor, p: tf.Tensor) => {
      const [y, l] = f(a, p);
      return tf.add(tf.sum(tf.mul(y, w[0])), tf.sum(tf.mul(l, w[1])));
    })([v, params]);
    return [value, logDet, ...grads];
  });
  const read = await Promise.all(results.map(values));
  tf.dispose(results);
  return read;
}
