/**
 * Typed errors. Every message names the function, the argument, the rule and
 * the offending value, e.g. `Normal: scale must be positive (got -1 at index 3)`.
 *
 * @packageDocumentation
 */

/**
 * Base class of every error `latent` throws on purpose, so that callers can
 * tell them from bugs with one `instanceof` check.
 *
 * @example
 * ```ts
 * try {
 *   await setBackend('webgl');
 * } catch (e) {
 *   if (e instanceof LatentError) console.error(e.message);
 * }
 * ```
 */
export class LatentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An argument broke a rule: wrong value, wrong type, out of its domain.
 *
 * @example
 * ```ts
 * throw new ValidationError('Normal', 'scale', 'be positive', -1);
 * // Normal: scale must be positive (got -1)
 * ```
 */
export class ValidationError extends LatentError {
  /** The function, class or method that rejected the argument. */
  readonly where: string;
  /** The argument's name. */
  readonly argument: string;

  constructor(where: string, argument: string, rule: string, value?: unknown, detail?: string) {
    const got = value === undefined && detail === undefined ? '' : ` (got ${detail ?? formatValue(value)})`;
    super(`${where}: ${argument} must ${rule}${got}`);
    this.where = where;
    this.argument = argument;
  }
}

/**
 * Tensor shapes that do not fit together, e.g. a value that does not
 * broadcast with a distribution's batch shape.
 *
 * @example
 * ```ts
 * throw new ShapeError('logProb', 'value shape [5,2] does not broadcast with batchShape [3]');
 * ```
 */
export class ShapeError extends LatentError {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

/**
 * A tfjs backend was requested but cannot start; the message says what is
 * missing (a package, a GPU adapter, a browser API).
 *
 * @example
 * ```ts
 * try {
 *   await setBackend('webgpu');
 * } catch (e) {
 *   if (e instanceof BackendUnavailableError) console.log(e.backend, e.message);
 * }
 * ```
 */
export class BackendUnavailableError extends LatentError {
  /** The backend that could not start. */
  readonly backend: string;
  /** Why, and what would fix it. */
  readonly reason: string;

  constructor(backend: string, reason: string) {
    super(`backend '${backend}' is unavailable: ${reason}`);
    this.backend = backend;
    this.reason = reason;
  }
}

/**
 * A computation produced NaN or ±Infinity where a finite number was required,
 * e.g. an objective during training. The message names the step.
 *
 * @example
 * ```ts
 * throw new NonFiniteError('SVI.run', 'loss is NaN at step 17');
 * ```
 */
export class NonFiniteError extends LatentError {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

/**
 * A method that has no closed form (or no meaning) for this distribution or
 * object, e.g. the entropy of a mixture.
 *
 * @example
 * ```ts
 * throw new NotImplementedError('MixtureSameFamily', 'entropy has no closed form; estimate it by Monte Carlo');
 * ```
 */
export class NotImplementedError extends LatentError {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

/**
 * An object whose tensors were freed by `dispose()` was used again.
 *
 * @example
 * ```ts
 * layer.dispose();
 * layer.apply(x); // DisposedError: Dense.apply: this Dense has been disposed
 * ```
 */
export class DisposedError extends LatentError {
  constructor(where: string, what: string) {
    super(`${where}: this ${what} has been disposed; create a new one (or load saved weights into a new one)`);
  }
}

/** Throws a ValidationError unless `value` is a positive integer; returns it. */
export function checkPositiveInteger(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(where, option, 'be a positive integer', value);
  }
  return value;
}

/** Throws a ValidationError unless `value` is a non-negative integer; returns it. */
export function checkNonNegativeInteger(where: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(where, option, 'be a non-negative integer', value);
  }
  return value;
}

/** Formats a value for an error message: short, and exact for numbers. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map(formatValue).join(', ');
    return `[${items}${value.length > 8 ? ', …' : ''}]`;
  }
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object' && 'shape' in value && Array.isArray((value as { shape: unknown }).shape)) {
    return `a tensor of shape [${(value as { shape: number[] }).shape.join(',')}]`;
  }
  if (typeof value === 'function') return value.name ? `the function ${value.name}` : 'a function';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    if (name !== undefined && name !== 'Object') return `a ${name}`;
    return `an object with keys [${Object.keys(value as object).slice(0, 8).join(', ')}]`;
  }
  return String(value);
}

/** The first line of an error's message, for wrapping it in another error. */
export function describeError(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e);
}
