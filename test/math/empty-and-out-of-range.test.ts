import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { gather, logSumExp, sum, ValidationError } from '../../src/index';
import { describeEachBackend, values } from '../helpers/backends';
import { expectThrowsWithoutLeak } from '../helpers/no-leak';

describeEachBackend('reductions over nothing and indices out of range', () => {
  it('sum of an empty tensor is 0 and logSumExp is −Infinity (wasm left them uninitialised)', async () => {
    expect(await values(sum(tf.zeros([0])))).toEqual([0]);
    expect(await values(sum(tf.zeros([3, 0]), 1))).toEqual([0, 0, 0]);
    expect(await values(logSumExp(tf.zeros([0])))).toEqual([-Infinity]);
    expect(await values(logSumExp(tf.zeros([2, 0]), 1, true))).toEqual([-Infinity, -Infinity]);
    // The empty input still gets its (empty) gradient.
    const grad = tf.grad((x: tf.Tensor) => logSumExp(x, 1))(tf.zeros([2, 0]));
    expect(grad.shape).toEqual([2, 0]);
    grad.dispose();
  });

  it('gather refuses indices outside the axis (where the backend reads synchronously)', async (context) => {
    if (tf.getBackend() === 'webgpu') context.skip(); // WebGPU in Node cannot read back synchronously
    const x = tf.tensor([[1, 2], [3, 4]]);
    const indices = tf.tensor1d([0, 2], 'int32');
    const error = await expectThrowsWithoutLeak(() => gather(x, indices));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe("gather: indices must be in [0, 1], the axis' range (got 2 at index 1)");
    tf.dispose([x, indices]);
  });
});
