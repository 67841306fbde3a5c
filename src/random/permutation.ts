import { ValidationError } from '../errors';
import { deriveSeed, type Seed } from './seed';

/**
 * A uniformly random permutation of 0..n−1 (Fisher–Yates), reproducible from
 * its seed: the order in which an epoch visits a data set.
 *
 * @example
 * ```ts
 * const order = permutation(5, 42); // e.g. Int32Array [3, 0, 4, 1, 2], the same for seed 42 every time
 * ```
 */
export function permutation(n: number, seed: Seed): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new ValidationError('permutation', 'n', 'be a non-negative integer', n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    // deriveSeed is a uint32 in [1, 2³²): j is uniform on 0..i up to a bias of (i + 1) / 2³².
    const j = Math.floor((deriveSeed(seed, i) / 0x100000000) * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}
