import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { flattenAll, unflattenLike } from '../../src/nn/flat-parameters';
import { describeEachBackend } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

// Adam's one flat vector over all variables: on cpu and wasm one copy loop each way, elsewhere reshapes and a concat.
describeEachBackend('flattenAll / unflattenLike', () => {
  it('lay the tensors end to end and cut them back, bit for bit, for any shapes (scalars and empty tensors too)', async () => {
    const shapes = fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(shapes, fc.integer({ min: 0, max: 1000 }), async (list, seed) => {
        const tensors = list.map((shape, k) => tf.tensor(Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) => Math.fround(Math.sin(seed + 31 * k + i) * 1e3)), shape));
        const flat = flattenAll(tensors);
        const pieces = unflattenLike(flat, tensors);
        expect(Array.from(await flat.data())).toEqual((await Promise.all(tensors.map((t) => t.data()))).flatMap((v) => Array.from(v)));
        expect(pieces.map((p) => p.shape)).toEqual(tensors.map((t) => t.shape));
        for (let k = 0; k < tensors.length; k++) expect(await pieces[k]!.data()).toEqual(await tensors[k]!.data());
        tf.dispose([...tensors, flat, ...pieces]);
      }),
      { numRuns: 25, seed: 3 },
    );
  });

  it('free what they make', async () => {
    const tensors = [tf.ones([2, 3]), tf.scalar(2), tf.zeros([4])];
    await expectNoLeak(() => tf.tidy(() => unflattenLike(flattenAll(tensors), tensors)), { warmup: 1 });
    tf.dispose(tensors);
  });
});
