import { ValidationError } from '../errors';

/**
 * Normalises `axis` (undefined for all, a number or a list, negatives from the
 * end) to sorted, distinct, non-negative axes of a tensor of rank `rank`.
 */
export function normalizeAxes(where: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1)) {
      throw new ValidationError(where, 'axis', `be an integer in [-${rank}, ${rank})`, a);
    }
    return a < 0 ? a + rank : a;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The shape after reducing `axes`, keeping them as size 1 or dropping them. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}
