import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { setBackend } from 'latent';

// latent replaces wasm's comparisons, LogicalAnd/Or and Maximum/Minimum: every result must equal the cpu
// backend's, bit for bit, under any broadcast of the two shapes, with NaN, ±Infinity and −0 among the values.
const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1, -1.5, 2.25];
const OPS = [tf.less, tf.lessEqual, tf.greater, tf.greaterEqual, tf.equal, tf.notEqual, tf.maximum, tf.minimum];

async function onBoth<T>(f: () => T): Promise<[T, T]> {
  await setBackend('cpu');
  const cpu = f();
  await setBackend('wasm');
  return [cpu, f()];
}

/** Two shapes that broadcast: one of rank ≤ 4, the other the same with some axes set to 1 or dropped in front. */
const shapePairs = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
    ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    drop: fc.integer({ min: 0, max: 4 }),
    swap: fc.boolean(),
  })
  .map(({ shape, ones, drop, swap }) => {
    const other = shape.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, shape.length));
    return swap ? [other, shape] : [shape, other];
  });

function numbers(shape: number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => SPECIAL[(i * 5 + seed) % SPECIAL.length] as number);
}

it('wasm comparisons, maximum and minimum equal the cpu backend under broadcasting, with NaN, ±Infinity and −0', async () => {
  await fc.assert(
    fc.asyncProperty(shapePairs, fc.integer({ min: 0, max: 100 }), fc.constantFrom('float32', 'int32'), async ([a, b], seed, dtype) => {
      const compute = () =>
        tf.tidy(() => {
          const x = tf.tensor(numbers(a as number[], seed), a, 'float32');
          const y = tf.tensor(numbers(b as number[], seed + 3), b, 'float32');
          const [u, v] = dtype === 'int32' ? [tf.cast(tf.where(tf.isFinite(x), x, tf.zerosLike(x)), 'int32'), tf.cast(tf.where(tf.isFinite(y), y, tf.zerosLike(y)), 'int32')] : [x, y];
          // Object.is tells −0 from 0.
          return OPS.map((op) => ({ shape: op(u, v).shape, values: Array.from(op(u, v).dataSync(), (z) => (Object.is(z, -0) ? '-0' : z)) }));
        });
      const [cpu, wasm] = await onBoth(compute);
      expect(wasm).toEqual(cpu);
    }),
    { numRuns: 80, seed: 7 },
  );
});

it('wasm logicalAnd and logicalOr equal the cpu backend under broadcasting', async () => {
  await fc.assert(
    fc.asyncProperty(shapePairs, fc.integer({ min: 0, max: 100 }), async ([a, b], seed) => {
      const compute = () =>
        tf.tidy(() => {
          const x = tf.greater(tf.tensor(numbers(a as number[], seed), a), 0);
          const y = tf.less(tf.tensor(numbers(b as number[], seed + 1), b), 1);
          return [tf.logicalAnd(x, y), tf.logicalOr(x, y)].map((t) => [t.shape, t.dtype, Array.from(t.dataSync())]);
        });
      const [cpu, wasm] = await onBoth(compute);
      expect(wasm).toEqual(cpu);
    }),
    { numRuns: 60, seed: 8 },
  );
});
