import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import type { Distribution } from './distribution';

/** Numpy/tfjs broadcasting of two shapes, or a ShapeError naming both. */
export function broadcastShapes(where: string, a: readonly number[], b: readonly number[], what = 'shapes'): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(where, `${what} [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The batch shape of KL(p ‖ q): both batch shapes broadcast, or a ShapeError naming the pair. */
export function klBatchShape(p: Distribution, q: Distribution): number[] {
  return broadcastShapes(`kl(${p.name} ‖ ${q.name})`, p.batchShape, q.batchShape, 'batch shapes');
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A sample shape given as a number or a list, checked. */
export function normalizeSampleShape(where: string, sampleShape: number | readonly number[]): number[] {
  const shape = typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(where, `sampleShape must be a non-negative integer or a list of them (got [${shape.join(',')}])`);
  }
  return shape;
}

/** `x` broadcast to `shape` (differentiable on every backend: wasm has no BroadcastTo kernel). */
export function expandTo(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.add(x, tf.zeros([...shape]));
}

export { sumToShape } from '../math/sum-to-shape';
