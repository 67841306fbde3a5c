import { ValidationError } from '../errors';

/**
 * The most elements one tensor may have: 2²⁸ float32 values, 1 GiB. wasm's
 * heap stops at 2 GiB (a RangeError, after minutes of work on cpu), and one
 * draw this large is almost always a mistaken shape.
 */
export const MAX_ELEMENTS = 2 ** 28;

/** Refuses, before anything is allocated, a tensor of `shape` with more than {@link MAX_ELEMENTS} elements. */
export function checkAllocation(where: string, argument: string, shape: readonly number[]): void {
  const size = shape.reduce((n, d) => n * d, 1);
  if (size > MAX_ELEMENTS) {
    throw new ValidationError(where, argument, `ask for at most 2^28 = ${MAX_ELEMENTS} values in all (draw in smaller chunks)`, undefined, `shape [${shape.join(',')}]: ${size} values`);
  }
}
