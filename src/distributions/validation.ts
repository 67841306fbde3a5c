import * as tf from '@tensorflow/tfjs-core';
import { formatValue, ValidationError } from '../errors';
import { canReadSync } from '../math/can-read-sync';
import type { Constraint } from './constraints';

let validateByDefault = true;

/**
 * Turns argument validation on or off for distributions created from now on
 * (each can still choose with its `validateArgs` option). On by default.
 *
 * Validation checks parameters against their constraints and `logProb`
 * values against the support. Values given as JS numbers or arrays are
 * checked for free; tensors must be read back, a device sync that is slow on
 * GPU backends — turn validation off in hot loops there. Backends that cannot
 * read synchronously at all (WebGPU in Node) skip the tensor checks.
 *
 * @example
 * ```ts
 * setValidateArgs(false); // a training loop on webgl: no device syncs
 * ```
 */
export function setValidateArgs(on: boolean): void {
  validateByDefault = on;
}

/**
 * Whether distributions validate their arguments by default (see {@link setValidateArgs}).
 *
 * @example
 * ```ts
 * if (getValidateArgs()) console.log('bad parameters throw a ValidationError');
 * ```
 */
export function getValidateArgs(): boolean {
  return validateByDefault;
}

/**
 * Checks values against a constraint; throws a ValidationError naming the
 * owner, the argument, the rule and the first offending value with its index.
 * Tensors are read synchronously, where the backend can.
 */
export function checkConstraint(where: string, argument: string, value: tf.Tensor | ArrayLike<number>, shape: readonly number[], constraint: Constraint): void {
  let values: ArrayLike<number>;
  if (value instanceof tf.Tensor) {
    if (!canReadSync()) return;
    values = value.dataSync() as ArrayLike<number>;
  } else {
    values = value;
  }
  const index = constraint.firstViolation(values, shape);
  if (index < 0) return;
  const at = shape.length === 0 ? '' : ` at index ${shape.length === 1 ? index : `[${unravel(index, shape).join(',')}]`}`;
  throw new ValidationError(where, argument, constraint.rule, undefined, `${formatValue(values[index])}${at}`);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1;
    out.unshift(flat % d);
    flat = Math.floor(flat / d);
  }
  return out;
}

/** `parameters` itself when it is an object; else a ValidationError showing the expected form, e.g. `{ loc, scale }`. */
export function checkParameters<T>(where: string, parameters: T, form: string): T {
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters) || parameters instanceof tf.Tensor) {
    throw new ValidationError(where, 'parameters', `be an object ${form}`, undefined, formatValue(parameters));
  }
  return parameters;
}
