import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, formatValue, ValidationError } from '../errors';
import { toFloat } from './to-float';

/** What every public function accepts as data or a parameter: a number, a (rectangular) nested array of numbers, or a tensor. */
export type TensorInput = tf.Tensor | tf.TensorLike;

/** A JS array's numbers, flattened row-major, as float32 (what the tensor will hold) unless asked for float64, with its shape. */
export interface FlatValues<Values extends Float32Array | Float64Array = Float32Array> {
  values: Values;
  shape: number[];
}

const RULE = 'be a number, a rectangular nested array of numbers or a tf.Tensor';

/**
 * The numbers and shape of a JS value (a number, a nested array or a typed
 * array), rounded to float32 as a tensor would hold them (float64 on request). Ragged arrays and
 * anything that is not a number are refused with a ValidationError naming
 * `where`, `argument` and the first offending entry's position.
 */
export function flattenNumbers(where: string, argument: string, value: unknown): FlatValues;
export function flattenNumbers(where: string, argument: string, value: unknown, float64: true): FlatValues<Float64Array>;
export function flattenNumbers(where: string, argument: string, value: unknown, float64 = false): FlatValues<Float32Array | Float64Array> {
  const Values = float64 ? Float64Array : Float32Array;
  if (typeof value === 'number') return { values: Values.of(value), shape: [] };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { values: Values.from(value as unknown as ArrayLike<number>), shape: [(value as unknown as ArrayLike<number>).length] };
  }
  if (!Array.isArray(value)) throw new ValidationError(where, argument, RULE, undefined, formatValue(value));
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const size = shape.reduce((n, d) => n * d, 1);
  const values = new Values(size);
  let next = 0;
  const walk = (item: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof item !== 'number') {
        throw new ValidationError(where, argument, RULE, undefined, `${formatValue(item)} at [${path.join(',')}]`);
      }
      values[next++] = item;
      return;
    }
    if (!Array.isArray(item) || item.length !== shape[depth]) {
      const got = Array.isArray(item) ? `length ${item.length}` : formatValue(item);
      throw new ValidationError(where, argument, `${RULE.replace('a rectangular', 'a rectangular (not ragged)')}`, undefined, `${got} at [${path.join(',')}] where the first entry has shape [${shape.slice(depth).join(',')}]`);
    }
    item.forEach((child, i) => walk(child, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return { values, shape };
}

/**
 * `value` as a float32 tensor: a tensor of another dtype is converted (a new
 * tensor), a float32 one returned as it is, a JS value checked by
 * {@link flattenNumbers} and uploaded. Compare the result with `value` to
 * know whether the caller owns a new tensor.
 */
export function toTensor(where: string, argument: string, value: unknown): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new ValidationError(where, argument, 'not be a disposed tensor', value);
    return toFloat(value);
  }
  const { values, shape } = flattenNumbers(where, argument, value);
  return tensorOf(where, values, shape);
}

/** Uploads float32 values; with no backend ready, says how to get one instead of tfjs's "No backend found in registry". */
export function tensorOf(where: string, values: Float32Array, shape: readonly number[]): tf.Tensor {
  checkBackend(where);
  return tf.tensor(values, [...shape], 'float32');
}

/** Throws a BackendUnavailableError naming `where` when no tfjs backend can run. */
export function checkBackend(where: string): void {
  try {
    tf.backend();
  } catch (e) {
    throw new BackendUnavailableError(
      'none',
      `${where} needs a tfjs backend and none is registered (${(e as Error).message}); call \`await initBackend()\` first, or import a backend package such as @tensorflow/tfjs-backend-cpu`,
    );
  }
}
