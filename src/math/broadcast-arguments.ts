import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { checkTensor } from './check-tensor';

/**
 * Checks that each named argument is a float32 tensor and returns their
 * broadcast shape; a ShapeError naming `where` and every shape when they do
 * not broadcast. The special functions' common preamble.
 */
export function broadcastArguments(where: string, args: Record<string, unknown>): number[] {
  const entries = Object.entries(args);
  for (const [name, x] of entries) checkTensor(where, name, x, 'float32');
  const tensors = entries as [string, tf.Tensor][];
  try {
    return tensors.reduce<number[]>((shape, [, x]) => tf.backend_util.assertAndGetBroadcastShape(shape, x.shape), []);
  } catch {
    const shapes = tensors.map(([name, x]) => `${name} shape [${x.shape.join(',')}]`);
    throw new ShapeError(where, `${shapes.slice(0, -1).join(', ')} and ${shapes[shapes.length - 1]} do not broadcast`);
  }
}
