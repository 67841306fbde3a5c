import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectFlatTensorCount, values } from '../helpers/backends';
import { gather, stopGradient } from '../../src/index';

describeEachBackend('gather', () => {
  it('takes slices like tf.gather, along any axis', async () => {
    const x = tf.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(await values(gather(x, tf.tensor1d([1, 1, 0], 'int32')))).toEqual([4, 5, 6, 4, 5, 6, 1, 2, 3]);
    const cols = gather(x, tf.tensor2d([[2], [0]], [2, 1], 'int32'), -1);
    expect(cols.shape).toEqual([2, 2, 1]);
    expect(await values(cols)).toEqual([3, 1, 6, 4]);
  });

  it('has the scatter-add gradient, repeated indices adding up (on wasm too)', async () => {
    const idx = tf.tensor1d([0, 0, 2], 'int32');
    const w = tf.tensor([1, 10, 100]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gather(x, idx, 1), w)))(tf.zeros([2, 4]));
    expect(await values(g)).toEqual([11, 0, 100, 0, 11, 0, 100, 0]);
  });

  it('differentiates along an axis of size 1 (wasm: oneHot rejects a depth of 1)', async () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(gather(x, tf.tensor1d([0, 0], 'int32'), 1)))(tf.ones([3, 1]));
    expect(await values(g)).toEqual([2, 2, 2]);
  });

  it('leaks no tensors', async () => {
    const idx = tf.tensor1d([0, 2], 'int32');
    const x = tf.ones([3, 2]);
    await expectFlatTensorCount(() => tf.grad((t: tf.Tensor) => tf.sum(gather(t, idx)))(x));
    tf.dispose([idx, x]);
  });
});

describeEachBackend('stopGradient', () => {
  it('is the identity forward and blocks the gradient', async () => {
    const x = tf.tensor([3, -2]);
    expect(await values(stopGradient(x))).toEqual([3, -2]);
    // d/dx [x · stop(x)] = stop(x), not 2x
    expect(await values(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x))).toEqual([3, -2]);
    await expectFlatTensorCount(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, stopGradient(t))))(x));
    x.dispose();
  });
});
