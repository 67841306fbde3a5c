import * as tf from '@tensorflow/tfjs-core';
import { formatValue, ShapeError, ValidationError } from '../errors';
import { checkedVariables, type Network } from './network';

/**
 * Saved weights: plain JSON (`JSON.stringify` it), each variable's shape and
 * values in the order of `variables`. float32 values survive the round trip
 * through JSON numbers exactly.
 */
export interface SavedWeights {
  /** Marks the object as saved weights. */
  format: 'latent-weights';
  /** The layout's version. */
  version: 1;
  /** One entry per variable, in order. */
  weights: Array<{
    /** The variable's shape. */
    shape: number[];
    /** Its values, row-major. */
    values: number[];
  }>;
}

/** Whose weights {@link saveWeights} and {@link loadWeights} read and write: a network, or a list of variables. */
export type WeightOwner = Network | readonly tf.Variable[];


/**
 * The current values of a network's variables (or of a list of variables) as
 * JSON-ready {@link SavedWeights}.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(await saveWeights(mlp));
 * loadWeights(other, JSON.parse(json)); // `other` now computes what `mlp` does
 * ```
 */
export async function saveWeights(owner: WeightOwner): Promise<SavedWeights> {
  const variables = checkedVariables('saveWeights', 'owner', owner);
  const weights = await Promise.all(variables.map(async (v) => ({ shape: [...v.shape], values: Array.from(await v.data()) })));
  return { format: 'latent-weights', version: 1, weights };
}

/**
 * Assigns {@link SavedWeights} to a network's variables (or a list of
 * variables), which must have the saved count and shapes, in order. Checks
 * everything before assigning anything, so a mismatch changes no variable.
 *
 * @example
 * ```ts
 * const restored = new MLP({ sizes: [64, 256, 16] });
 * loadWeights(restored, JSON.parse(readFileSync('encoder.json', 'utf8')));
 * ```
 */
export function loadWeights(owner: WeightOwner, saved: SavedWeights): void {
  const variables = checkedVariables('loadWeights', 'owner', owner);
  if (saved === null || typeof saved !== 'object' || saved.format !== 'latent-weights' || !Array.isArray(saved.weights)) {
    throw new ValidationError('loadWeights', 'saved', "be weights written by saveWeights ({ format: 'latent-weights', weights: [...] })", undefined, describeSaved(saved));
  }
  if (saved.version !== 1) throw new ValidationError('loadWeights', 'saved.version', 'be 1', saved.version);
  if (saved.weights.length !== variables.length) {
    throw new ShapeError('loadWeights', `saved weights hold ${saved.weights.length} variables, the network has ${variables.length}`);
  }
  saved.weights.forEach((w: unknown, i) => {
    const v = variables[i] as tf.Variable;
    if (v.isDisposed) throw new ValidationError('loadWeights', `variables[${i}]`, 'not be disposed');
    if (w === null || typeof w !== 'object' || !Array.isArray((w as { shape?: unknown }).shape) || !Array.isArray((w as { values?: unknown }).values)) {
      throw new ValidationError('loadWeights', `weights[${i}]`, 'be { shape: number[], values: number[] }', undefined, describeSaved(w));
    }
    const { shape, values } = w as { shape: unknown[]; values: unknown[] };
    const sameShape = shape.length === v.rank && shape.every((d, j) => d === v.shape[j]);
    if (!sameShape || values.length !== v.size) {
      throw new ShapeError('loadWeights', `variable ${i} has shape [${v.shape.join(',')}] (${v.size} values), saved shape [${shape.join(',')}] with ${values.length} values`);
    }
    const bad = values.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) {
      throw new ValidationError('loadWeights', `weights[${i}].values`, 'be finite numbers', undefined, `${formatValue(values[bad])} at index ${bad}`);
    }
  });
  saved.weights.forEach((w, i) => {
    const v = variables[i] as tf.Variable;
    tf.tidy(() => v.assign(tf.tensor(w.values, v.shape, v.dtype)));
  });
}

/** A short description of something that is not saved weights, for an error message. */
function describeSaved(value: unknown): string {
  if (value === null || typeof value !== 'object') return formatValue(value);
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return `an object with keys ${formatValue(Object.keys(value))}`;
}
