import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { setBackend } from 'latent';

// latent replaces wasm's Slice, SplitV, Unpack and Concat kernels (tfjs 4.22 copies the whole input per slice):
// every result must equal the cpu backend's, bit for bit, for any rank, dtype and block.
const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 });

async function onBoth<T>(f: () => T): Promise<[T, T]> {
  await setBackend('cpu');
  const cpu = f();
  await setBackend('wasm');
  return [cpu, f()];
}

it('wasm slice, split, unstack and concat equal the cpu backend for every rank, dtype and block', async () => {
  await fc.assert(
    fc.asyncProperty(shapes, fc.integer({ min: 0, max: 1000 }), fc.constantFrom('float32', 'int32', 'bool'), async (shape, seed, dtype) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i * seed) % 3 === 0 : ((i * 7919 + seed) % 1000) - 500));
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
