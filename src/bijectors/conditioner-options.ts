import { checkNonNegativeInteger, checkPositiveInteger, ValidationError } from '../errors';
import type { Activation } from '../nn/activation';
import type { Seed } from '../random/seed';

/** What coupling and autoregressive bijectors share: the dimension and their conditioner network. */
export interface ConditionerOptions {
  /** D, the size of the last axis. */
  dim: number;
  /** Hidden layer widths of the conditioner (default `[64, 64]`). */
  hiddenSizes?: readonly number[];
  /** Activation of its hidden layers (default `'relu'`). */
  activation?: Activation;
  /** Size of the context vector for a conditional bijector (default 0: unconditional). */
  contextSize?: number;
  /** Reproduces the conditioner's initial weights exactly; random when omitted. */
  seed?: Seed;
}

/** Options of {@link AffineCoupling} and {@link AffineAutoregressive}. */
export interface AffineOptions extends ConditionerOptions {
  /** The log-scale is b·tanh(raw / b), in (−b, b) (default 3). */
  logScaleBound?: number;
}

/** Options of {@link SplineCoupling} and {@link SplineAutoregressive}. */
export interface SplineOptions extends ConditionerOptions {
  /** K, the spline's bins (default 8). */
  bins?: number;
  /** B: the spline covers [−B, B], the identity outside (default 4). */
  tailBound?: number;
}

/**
 * The dimension, context size and hidden widths of `options`, checked with
 * errors naming `where` (defaults: no context, `[64, 64]`). `minHiddenLayers`
 * is 0 where the conditioner may be a single linear layer (an MLP), 1 where
 * it needs a hidden layer (a MADE).
 */
export function checkConditionerOptions(where: string, options: unknown, minHiddenLayers: 0 | 1): { dim: number; contextSize: number; hiddenSizes: number[] } {
  if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object ({ dim, hiddenSizes, ... })', options);
  const { hiddenSizes = [64, 64], ...rest } = options as Partial<ConditionerOptions>;
  const dim = checkPositiveInteger(where, 'dim', rest.dim);
  const contextSize = checkNonNegativeInteger(where, 'contextSize', rest.contextSize ?? 0);
  if (!Array.isArray(hiddenSizes) || hiddenSizes.length < minHiddenLayers) {
    throw new ValidationError(where, 'hiddenSizes', `be ${minHiddenLayers === 0 ? 'an' : 'a non-empty'} array of layer widths`, hiddenSizes);
  }
  hiddenSizes.forEach((h, i) => checkPositiveInteger(where, `hiddenSizes[${i}]`, h));
  return { dim, contextSize, hiddenSizes: [...hiddenSizes] };
}
