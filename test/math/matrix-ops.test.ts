import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectFlatTensorCount, values } from '../helpers/backends';
import { ShapeError } from '../../src/index';
import { matrixDiag } from '../../src/math/matrix-diag';
import { matrixDiagPart } from '../../src/math/matrix-diag-part';
import { matrixTranspose } from '../../src/math/matrix-transpose';
import { tril } from '../../src/math/tril';

// Pure data movement: results and gradients are exact on every backend.
describeEachBackend('matrix helpers', () => {
  const batch = () => tf.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // [2, 2, 2]

  it('matrixDiagPart takes the diagonals, ignoring non-finite entries off them; gradient one-hot', async () => {
    expect(await values(matrixDiagPart(batch()))).toEqual([1, 4, 5, 8]);
    expect(await values(matrixDiagPart(tf.tensor([[2, NaN], [Infinity, 3]])))).toEqual([2, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(matrixDiagPart(x), tf.tensor([1, 10]))))(batch());
    expect(await values(g)).toEqual([1, 0, 0, 10, 1, 0, 0, 10]);
  });

  it('matrixDiag builds diagonal matrices; gradient picks the diagonal', async () => {
    const m = matrixDiag(tf.tensor([[1, 2], [3, 4]]));
    expect(m.shape).toEqual([2, 2, 2]);
    expect(await values(m)).toEqual([1, 0, 0, 2, 3, 0, 0, 4]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(matrixDiag(v), tf.tensor([[1, 5], [7, 2]]))))(tf.tensor([1, 1]));
    expect(await values(g)).toEqual([1, 2]);
  });

  it('matrixTranspose swaps the last two axes and back', async () => {
    const t = matrixTranspose(tf.reshape(tf.range(0, 12), [2, 2, 3]));
    expect(t.shape).toEqual([2, 3, 2]);
    expect(await values(t)).toEqual([0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(matrixTranspose(x), tf.tensor([[1, 2], [3, 4]]))))(tf.zeros([2, 2]));
    expect(await values(g)).toEqual([1, 3, 2, 4]);
  });

  it('tril zeroes above the diagonal, NaN included, with a zero gradient there', async () => {
    expect(await values(tril(batch()))).toEqual([1, 0, 3, 4, 5, 0, 7, 8]);
    expect(await values(tril(tf.tensor([[1, NaN, NaN], [2, 3, Infinity]])))).toEqual([1, 0, 0, 2, 3, 0]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tril(x), 3)))(batch());
    expect(await values(g)).toEqual([3, 0, 3, 3, 3, 0, 3, 3]);
  });

  it('leak no tensors', async () => {
    const x = batch();
    await expectFlatTensorCount(() =>
      [matrixDiagPart, matrixTranspose, tril, (t: tf.Tensor) => tf.tidy(() => matrixDiag(matrixDiagPart(t)))].flatMap((f) => [f(x), tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x)]),
    );
    x.dispose();
  });
});

describe('matrix helper input checks', () => {
  it('name the function and the shape', () => {
    expect(() => matrixDiagPart(tf.ones([2, 3]))).toThrow(ShapeError);
    expect(() => matrixDiagPart(tf.ones([2, 3]))).toThrow('matrixDiagPart: x must be a batch of square matrices [..., d, d] (got shape [2,3])');
    expect(() => matrixDiag(tf.scalar(1))).toThrow('matrixDiag: diagonal must have rank 1 or more (got a scalar)');
    expect(() => matrixTranspose(tf.ones([3]))).toThrow('matrixTranspose: x must have rank 2 or more (got shape [3])');
    expect(() => tril(tf.ones([3]))).toThrow('tril: x must have rank 2 or more (got shape [3])');
  });
});
