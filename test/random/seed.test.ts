import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEST_BACKENDS, values } from '../helpers/backends';
import { randomNormal, randomSeed, randomUniform, SeedStream, setBackend, splitSeed, ValidationError } from '../../src/index';

describe('seeds', () => {
  it('splitSeed is deterministic, distinct and never 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (seed) => {
        const a = splitSeed(seed, 16);
        expect(splitSeed(seed, 16)).toEqual(a);
        expect(new Set(a).size).toBe(16);
        expect(a.every((s) => s !== 0 && Number.isInteger(s))).toBe(true);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('SeedStream repeats for the same seed and salt, differs across salts', () => {
    const take = (s: SeedStream) => [s.next(), s.next(), s.next()];
    expect(take(new SeedStream(42, 'a'))).toEqual(take(new SeedStream(42, 'a')));
    expect(take(new SeedStream(42, 'a'))).not.toEqual(take(new SeedStream(42, 'b')));
    expect(take(new SeedStream(42))).not.toEqual(take(new SeedStream(43)));
  });

  it('randomSeed draws from the platform generator', () => {
    const seeds = new Set(Array.from({ length: 20 }, randomSeed));
    expect(seeds.size).toBeGreaterThan(15);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => splitSeed(1.5, 2)).toThrow(ValidationError);
    expect(() => splitSeed(1.5, 2)).toThrow('seed must be a safe integer (got 1.5)');
    expect(() => splitSeed(1, -1)).toThrow('splitSeed: count must be a non-negative integer (got -1)');
    expect(() => randomNormal([2, -1])).toThrow('randomNormal: shape must be an array of non-negative integers (got [2, -1])');
    expect(() => randomUniform([2], { low: 1, high: 1 })).toThrow('randomUniform: high must be greater than low (1) (got 1)');
  });
});

describe('the same seed gives the same samples on every backend', () => {
  it(`is bit-identical across ${TEST_BACKENDS.join(', ')}`, async () => {
    const draws: Record<string, number[][]> = {};
    for (const backend of TEST_BACKENDS) {
      await setBackend(backend);
      draws[backend] = [
        await values(randomNormal([257], { seed: 2024 })),
        await values(randomUniform([3, 5], { seed: 2024, low: -2, high: 3 })),
      ];
    }
    const [first, ...rest] = TEST_BACKENDS;
    for (const backend of rest) expect(draws[backend], backend).toEqual(draws[first as string]);
    // Different seeds give different numbers.
    expect(await values(randomNormal([4], { seed: 1 }))).not.toEqual(await values(randomNormal([4], { seed: 2 })));
  });

  it('draws are standard normal and uniform (moments within 5 standard errors, n = 1e5)', async () => {
    await setBackend('cpu');
    const n = 100_000;
    const z = await values(randomNormal([n], { seed: 9 }));
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    const u = await values(randomUniform([n], { seed: 9 }));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(u.reduce((s, v) => s + v, 0) / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });
});
