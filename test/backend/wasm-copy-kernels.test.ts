import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { setBackend } from 'latent';
import { expectNoLeak } from '../helpers/no-leak';

// latent replaces wasm's Slice, SplitV, Unpack, Concat, Pack, Transpose, Reverse, Tile and GatherV2 kernels (tfjs 4.22
// copies the whole input per slice and indexes Tile and GatherV2 element by element) and makes Identity and a
// same-dtype Cast share memory: every result must equal the cpu backend's, bit for bit, for any rank, dtype and block.
const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 });
const dtypes = fc.constantFrom('float32', 'int32', 'bool');

async function onBoth<T>(f: () => T): Promise<[T, T]> {
  await setBackend('cpu');
  const cpu = f();
  await setBackend('wasm');
  return [cpu, f()];
}

function values(size: number, seed: number, dtype: string): (number | boolean)[] {
  return Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i * seed) % 3 === 0 : ((i * 7919 + seed) % 1000) - 500));
}

it('wasm slice, split, unstack and concat equal the cpu backend for every rank, dtype and block', async () => {
  await fc.assert(
    fc.asyncProperty(shapes, fc.integer({ min: 0, max: 1000 }), dtypes, async (shape, seed, dtype) => {
      const data = values(shape.reduce((a, b) => a * b, 1), seed, dtype);
      const begin = shape.map((d, i) => (seed >> i) % d);
      const extent = shape.map((d, i) => d - (begin[i] as number));
      const axis = seed % shape.length;
      const compute = () =>
        tf.tidy(() => {
          const x = tf.tensor(data as number[], shape, dtype as tf.DataType);
          const pieces = tf.split(x, shape[axis] as number, axis);
          const joined = [tf.concat([...pieces].reverse(), axis), tf.concat([x, x, pieces[0] as tf.Tensor], axis)];
          return [tf.slice(x, begin, extent), ...pieces, ...tf.unstack(x, axis), ...joined].map((t) => Array.from(t.dataSync()));
        });
      const [cpu, wasm] = await onBoth(compute);
      expect(wasm).toEqual(cpu);
    }),
    { numRuns: 60, seed: 5 },
  );
});

it('wasm stack, transpose and reverse equal the cpu backend for every rank, dtype, axis, permutation and set of axes', async () => {
  const cases = fc.record({ shape: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 0, maxLength: 4 }), seed: fc.integer({ min: 0, max: 1000 }), dtype: dtypes, count: fc.integer({ min: 1, max: 3 }) });
  await fc.assert(
    fc.asyncProperty(cases, async ({ shape, seed, dtype, count }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      // A permutation of the axes, chosen by the seed (Fisher–Yates).
      const perm = shape.map((_, i) => i);
      for (let i = perm.length - 1, r = seed; i > 0; i--, r = Math.floor(r / (i + 1))) {
        const j = r % (i + 1);
        [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
      }
      const axis = seed % (shape.length + 1);
      const reversed = shape.flatMap((_, i) => ((seed >> i) & 1 ? [i] : []));
      const compute = () =>
        tf.tidy(() => {
          const xs = Array.from({ length: count }, (_, k) => tf.tensor(values(size, seed + k, dtype) as number[], shape, dtype as tf.DataType));
          const x = xs[0] as tf.Tensor;
          return [tf.stack(xs, axis), tf.transpose(x, perm), tf.reverse(x, reversed)].map((t) => [t.shape, Array.from(t.dataSync())]);
        });
      const [cpu, wasm] = await onBoth(compute);
      expect(wasm).toEqual(cpu);
    }),
    { numRuns: 120, seed: 8 },
  );
});

it('wasm tile, gather, clone and cast to the same dtype equal the cpu backend for every rank, dtype, axis and batch dimension', async () => {
  const cases = fc.record({
    shape: shapes,
    seed: fc.integer({ min: 0, max: 1000 }),
    dtype: dtypes,
    reps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 5, maxLength: 5 }),
    indexShape: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 2 }),
    batchDims: fc.integer({ min: 0, max: 1 }),
  });
  await fc.assert(
    fc.asyncProperty(cases, async ({ shape, seed, dtype, reps, indexShape, batchDims }) => {
      const data = values(shape.reduce((a, b) => a * b, 1), seed, dtype);
      const axis = seed % shape.length;
      const dims = Math.min(batchDims, axis, indexShape.length);
      const leading = shape.slice(0, dims);
      const ids = [...leading, ...indexShape.slice(dims)];
      const index = Array.from({ length: ids.reduce((a, b) => a * b, 1) }, (_, i) => (i * 31 + seed) % (shape[axis] as number));
      const compute = () =>
        tf.tidy(() => {
          const x = tf.tensor(data as number[], shape, dtype as tf.DataType);
          const copy = tf.clone(x);
          const cast = tf.cast(x, dtype as tf.DataType);
          const results = [tf.tile(x, reps.slice(0, shape.length)), tf.gather(x, tf.tensor(index, ids, 'int32'), axis, dims), copy, cast];
          x.dispose(); // the clone and the cast share x's memory on wasm: they must outlive x
          return results.map((t) => [t.shape, Array.from(t.dataSync())]);
        });
      const [cpu, wasm] = await onBoth(compute);
      expect(wasm).toEqual(cpu);
    }),
    { numRuns: 80, seed: 6 },
  );
});

it('wasm gather refuses an index outside the axis, as tfjs does', async () => {
  await setBackend('wasm');
  expect(() => tf.gather(tf.tensor1d([1, 2, 3]), tf.tensor1d([3], 'int32'))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
});

it('a variable assigned after a clone or a cast leaves them as they were, on wasm, and frees both', async () => {
  await setBackend('wasm');
  await expectNoLeak(() => {
    const initial = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(initial);
    const copy = tf.clone(v);
    const cast = tf.cast(v, 'float32');
    const next = tf.tensor1d([4, 5, 6]);
    v.assign(next);
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([initial, v, copy, cast, next]);
  });
});
