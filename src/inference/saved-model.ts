import { checkNonNegativeInteger, formatValue, ShapeError, ValidationError } from '../errors';
import { flattenNumbers } from '../math/to-tensor';

/** What every saved model starts with: its kind and the layout's version. */
export interface SavedHeader<Format extends string> {
  /** Marks what wrote it. */
  format: Format;
  /** The layout's version. */
  version: 1;
}

/**
 * Checks that `saved` is what `writer` wrote (`format`) in a version this
 * latent reads, before anything is changed.
 */
export function checkSavedHeader<Format extends string>(where: string, saved: unknown, format: Format, writer: string): asserts saved is SavedHeader<Format> & Record<string, unknown> {
  const s = saved as Partial<SavedHeader<string>> | null;
  if (s === null || typeof s !== 'object' || s.format !== format) {
    throw new ValidationError(where, 'saved', `be what ${writer} wrote ({ format: '${format}', ... })`, saved);
  }
  if (s.version !== 1) throw new ValidationError(where, 'saved.version', 'be 1, the version this latent reads', s.version);
}

/** A saved field that must equal this model's setting (e.g. the number of components). */
export function checkSavedSetting(where: string, name: string, saved: unknown, expected: unknown): void {
  if (saved !== expected) throw new ValidationError(where, `saved.${name}`, `match this model's ${name} (${formatValue(expected)})`, saved);
}

/**
 * A saved array of finite numbers with the given shape (`-1` for any size),
 * flattened (float64, as written); errors name `saved.<name>`.
 */
export function savedArray(where: string, name: string, value: unknown, shape: readonly number[]): { values: number[]; shape: number[] } {
  const flat = flattenNumbers(where, `saved.${name}`, value, true);
  const fits = flat.shape.length === shape.length && shape.every((d, i) => d === -1 || d === flat.shape[i]);
  if (!fits) throw new ShapeError(where, `saved.${name} must have shape [${shape.map((d) => (d === -1 ? 'any' : d)).join(',')}] (got [${flat.shape.join(',')}])`);
  const bad = flat.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ValidationError(where, `saved.${name}`, 'be finite numbers', undefined, `${flat.values[bad]} at index ${bad}`);
  return { values: Array.from(flat.values), shape: flat.shape };
}

/** A saved list of numbers (a log-likelihood trace). */
export function savedNumbers(where: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) throw new ValidationError(where, `saved.${name}`, 'be an array of numbers', value);
  return [...value] as number[];
}

/** What a saved EM model records about its fit. */
export interface SavedFitTrace {
  /** Whether the fit converged. */
  converged: boolean;
  /** EM iterations of the kept initialisation. */
  nIter: number;
  /** The final mean log-likelihood per row (null for −Infinity, which JSON cannot hold). */
  lowerBound: number | null;
  /** The EM trace. */
  logLikelihoods: number[];
}

/** The fit's record as `save()` wrote it ({@link fitTraceToSave}), checked, with `lowerBound` back to a number. */
export function savedFitTrace(where: string, saved: Partial<SavedFitTrace>): { converged: boolean; nIter: number; lowerBound: number; logLikelihoods: number[] } {
  if (typeof saved.converged !== 'boolean') throw new ValidationError(where, 'saved.converged', 'be a boolean', saved.converged);
  const nIter = checkNonNegativeInteger(where, 'saved.nIter', saved.nIter);
  const lowerBound = saved.lowerBound === null ? -Infinity : saved.lowerBound;
  if (typeof lowerBound !== 'number' || Number.isNaN(lowerBound)) throw new ValidationError(where, 'saved.lowerBound', 'be a number or null', saved.lowerBound);
  return { converged: saved.converged, nIter, lowerBound, logLikelihoods: savedNumbers(where, 'logLikelihoods', saved.logLikelihoods) };
}

/** The fit's record for `save()`: −Infinity (a fit of maxIter 0) written as null. */
export function fitTraceToSave(fit: { converged: boolean; nIter: number; lowerBound: number; logLikelihoods: readonly number[] }): SavedFitTrace {
  return { converged: fit.converged, nIter: fit.nIter, lowerBound: Number.isFinite(fit.lowerBound) ? fit.lowerBound : null, logLikelihoods: [...fit.logLikelihoods] };
}
