import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { ShapeError } from '../../src/index';
import { cholesky } from '../../src/math/cholesky';
import fixtures from '../fixtures/mvn.json';

// References: numpy.linalg.cholesky in float64 on the float32 inputs (scripts/make-fixtures-mvn.py);
// gradients of Σ W ⊙ cholesky(A) over the lower triangle of A by float64 central differences.
// A = T Tᵀ + I/2 is well conditioned (condition numbers up to about 400 at d = 64). Factor and
// gradient are checked to 1e-6 of their largest entry on cpu and wasm, 4e-6 on webgpu (GPU sqrt and
// division are not correctly rounded); measured: at most 1.8e-7 on all three, d = 64 included.
const cases = fixtures.linalg.cholesky;

function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describeEachBackend('cholesky', (backend) => {
  const tol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it.each(cases.map((c) => [c.d, c] as const))('matches numpy for d = %i', async (d, c) => {
    const got = cholesky(tf.tensor(c.a));
    expect(got.shape).toEqual([d, d]);
    const want = c.cholesky.flat();
    const out = await values(got);
    expectClose(out, want, { atol: tol * maxAbs(want) });
    // exactly zero above the diagonal
    expect(out.filter((_, k) => k % d > Math.floor(k / d)).every((v) => v === 0)).toBe(true);
  });

  it('factors a batch, reading only the lower triangle', async () => {
    const a = fixtures.linalg.cholesky[2]!;
    const upperGarbage = a.a.map((row, i) => row.map((v, j) => (j > i ? NaN : v)));
    const got = cholesky(tf.stack([tf.tensor(a.a), tf.tensor(upperGarbage), tf.eye(5)]));
    expect(got.shape).toEqual([3, 5, 5]);
    const identity = Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 1 : 0));
    const want = [...a.cholesky.flat(), ...a.cholesky.flat(), ...identity];
    expectClose(await values(got), want, { atol: tol * 3 }); // entries of L are at most about 3
  });

  it('gives NaN, not a wrong factor, for a matrix that is not positive definite', async () => {
    const out = await values(cholesky(tf.tensor([[1, 2], [2, 1]])));
    expect(out.slice(0, 2)).toEqual([1, 0]);
    expect(Number.isNaN(out[3])).toBe(true);
  });

  it.each(cases.filter((c) => 'grad' in c).map((c) => [c.d, c] as const))('has the gradient of float64 differences for d = %i', async (_d, c) => {
    const w = tf.tensor(c.weights!);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(cholesky(a), w)))(tf.tensor(c.a));
    const want = c.grad!.flat();
    const got = await values(g);
    expect(got.every(Number.isFinite)).toBe(true);
    expectClose(got, want, { atol: tol * maxAbs(want) });
  });

  it('leaks no tensors, forward and backward', async () => {
    const a = tf.tensor(cases[2]!.a);
    await expectFlatTensorCount(() => [cholesky(a), tf.grad((x: tf.Tensor) => tf.sum(cholesky(x)))(a)]);
    a.dispose();
  });
});

describe('cholesky input checks', () => {
  it('name the argument and the shape', () => {
    expect(() => cholesky(tf.ones([2, 3]))).toThrow(ShapeError);
    expect(() => cholesky(tf.ones([2, 3]))).toThrow('cholesky: matrix must be a batch of square matrices [..., d, d] (got shape [2,3])');
    expect(() => cholesky(tf.ones([4]))).toThrow('cholesky: matrix must be a batch of square matrices [..., d, d] (got shape [4])');
  });
});
