import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { randomNormal, sum } from '../../src/index';

/** Float64 sum of a float32 array (the reference: its own error is ~1e-10 relative at 1e6 terms). */
function float64Sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s;
}

describeEachBackend('sum', (backend) => {
  it('sums 1e6 Normal log-densities to 1e-6 relative of a float64 sum', async () => {
    const z = randomNormal([1_000_000], { seed: 3 });
    const logDensity = tf.sub(tf.mul(tf.square(z), -0.5), 0.5 * Math.log(2 * Math.PI));
    const reference = float64Sum(await logDensity.data());
    const total = (await values(sum(logDensity)))[0] as number;
    expect(Math.abs(total - reference) / Math.abs(reference)).toBeLessThan(1e-6);
    if (backend === 'wasm') {
      // The reason this function exists: tf.sum accumulates serially in float32 on wasm.
      const plain = (await values(tf.sum(logDensity)))[0] as number;
      expect(Math.abs(plain - reference) / Math.abs(reference)).toBeGreaterThan(1e-5);
    }
    tf.dispose([z, logDensity]);
  });

  it('reduces chosen axes of a long tensor, with keepDims, and matches tf.sum on short ones', async () => {
    const x = tf.add(tf.reshape(tf.range(0, 3 * 1000), [3, 1000]), 0.5);
    const rows = await values(sum(x, 1));
    const want = [0, 1, 2].map((r) => float64Sum(Array.from({ length: 1000 }, (_, i) => r * 1000 + i + 0.5)));
    expectClose(rows, want, { rtol: 1e-7 });
    expect(sum(x, -1, true).shape).toEqual([3, 1]);
    expect(sum(tf.ones([600, 2]), 0).shape).toEqual([2]);
    expectClose(await values(sum(tf.ones([600, 2]), 0)), [600, 600]);
    expectClose(await values(sum(tf.tensor([[1, 2], [3, 4]]), 0)), [4, 6]);
    x.dispose();
  });

  it('has gradient one everywhere', async () => {
    const g = tf.grad((t: tf.Tensor) => sum(t))(tf.zeros([1000]));
    expect(await values(g)).toEqual(new Array(1000).fill(1));
  });

  it('leaks no tensors', async () => {
    const x = tf.ones([5000]);
    await expectFlatTensorCount(() => tf.grad((t: tf.Tensor) => sum(t))(x), { iterations: 20 });
    x.dispose();
  });
});
