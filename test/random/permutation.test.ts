import { expect, it } from 'vitest';
import { ValidationError } from '../../src/index';
import { permutation } from '../../src/random/permutation';

// Pure JavaScript (no backend). Uniformity: a chi-square test over the 24 orders of 4 items from
// 24,000 seeds (23 degrees of freedom; the bound 60 has p ≈ 4e-5 under uniformity, and a
// Fisher–Yates off by one — j drawn from 0..i−1, Sattolo's cycles — never gives the identity).

it('is a permutation of 0..n−1, the same for the same seed, another for another seed', () => {
  for (const n of [0, 1, 2, 7, 100]) {
    const order = permutation(n, 5);
    expect(order).toBeInstanceOf(Int32Array);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  }
  expect(permutation(100, 5)).toEqual(permutation(100, 5));
  expect(permutation(100, 6)).not.toEqual(permutation(100, 5));
  expect(permutation(100, 2 ** 40)).not.toEqual(permutation(100, 2 ** 40 + 1));
});

it('draws every order of 4 items equally often', () => {
  const counts = new Map<string, number>();
  const draws = 24_000;
  for (let seed = 1; seed <= draws; seed++) {
    const key = Array.from(permutation(4, seed)).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  expect(counts.size).toBe(24);
  const expected = draws / 24;
  const chi2 = [...counts.values()].reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
  expect(chi2).toBeLessThan(60);
});

it('rejects a bad n', () => {
  expect(() => permutation(-1, 1)).toThrow(new ValidationError('permutation', 'n', 'be a non-negative integer', -1));
  expect(() => permutation(2.5, 1)).toThrow('permutation: n must be a non-negative integer (got 2.5)');
  expect(() => permutation(3, 0.5)).toThrow(ValidationError);
});
