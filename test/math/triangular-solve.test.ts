import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { ShapeError } from '../../src/index';
import { triangularSolve } from '../../src/math/triangular-solve';
import fixtures from '../fixtures/mvn.json';

// References: scipy.linalg.solve_triangular in float64 on the float32 inputs (scripts/make-fixtures-mvn.py);
// gradients analytic (∂/∂B = L⁻ᵀW, ∂/∂L = −tril(L⁻ᵀW Xᵀ)), checked there by central differences.
// Tolerances are relative to the largest entry of each result (a solve's error scales with the
// solution's size, not each entry's): 1e-6 on cpu and wasm, 4e-6 on webgpu (GPU division is not
// correctly rounded). Measured: at most 1.4e-7 on all three, forward and gradients, d ≤ 16 (the
// matrices' condition numbers are at most about 20; the error grows with it).
const { triangularSolve: cases, batchedSolve } = fixtures.linalg;

function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describeEachBackend('triangularSolve', (backend) => {
  const tol = backend === 'webgpu' ? 4e-6 : 1e-6;

  it.each(cases.map((c) => [c.d, c] as const))('solves L X = B for d = %i', async (_d, c) => {
    const want = c.solution.flat();
    const got = triangularSolve(tf.tensor(c.matrix), tf.tensor(c.rhs));
    expect(got.shape).toEqual([c.d, 3]);
    expectClose(await values(got), want, { atol: tol * maxAbs(want) });
  });

  it('broadcasts batch dimensions: [2, 1, 5, 5] with [3, 5, 2] gives [2, 3, 5, 2]', async () => {
    const got = triangularSolve(tf.tensor(batchedSolve.matrix), tf.tensor(batchedSolve.rhs));
    expect(got.shape).toEqual([2, 3, 5, 2]);
    const want = batchedSolve.solution.flat(3);
    expectClose(await values(got), want, { atol: tol * maxAbs(want) });
  });

  it('reads only the lower triangle', async () => {
    const lower = tf.tensor([[2, 0], [1, 4]]);
    const garbage = tf.tensor([[2, NaN], [1, 4]]);
    const b = tf.tensor([[2], [9]]);
    expect(await values(triangularSolve(garbage, b))).toEqual(await values(triangularSolve(lower, b)));
    expect(await values(triangularSolve(lower, b))).toEqual([1, 2]);
  });

  it.each(cases.map((c) => [c.d, c] as const))('has the analytic gradient in L and B for d = %i', async (_d, c) => {
    const w = tf.tensor(c.weights);
    const f = (l: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(triangularSolve(l, b), w));
    const [gL, gB] = tf.grads(f)([tf.tensor(c.matrix), tf.tensor(c.rhs)]) as [tf.Tensor, tf.Tensor];
    const wantL = c.gradMatrix.flat();
    const wantB = c.gradRhs.flat();
    const gotL = await values(gL);
    expect(gotL.every(Number.isFinite)).toBe(true);
    expectClose(gotL, wantL, { atol: tol * maxAbs(wantL) });
    expectClose(await values(gB), wantB, { atol: tol * maxAbs(wantB) });
  });

  it('leaks no tensors, forward and backward', async () => {
    const c = cases[2]!;
    const l = tf.tensor(c.matrix);
    const b = tf.tensor(c.rhs);
    await expectFlatTensorCount(() => [triangularSolve(l, b), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(triangularSolve(x, y)))([l, b])]);
    tf.dispose([l, b]);
  });
});

describe('triangularSolve input checks', () => {
  it('name the argument and the shapes', () => {
    expect(() => triangularSolve(tf.ones([2, 3]), tf.ones([2, 1]))).toThrow(ShapeError);
    expect(() => triangularSolve(tf.ones([2, 3]), tf.ones([2, 1]))).toThrow('triangularSolve: matrix must be a batch of square matrices [..., d, d] (got shape [2,3])');
    expect(() => triangularSolve(tf.eye(2), tf.ones([3, 1]))).toThrow('triangularSolve: rhs must have shape [..., 2, k] to match matrix [2,2] (got [3,1])');
    expect(() => triangularSolve(tf.ones([2, 2, 2]), tf.ones([3, 2, 1]))).toThrow('triangularSolve: batch dimensions of matrix [2,2,2] and rhs [3,2,1] do not broadcast');
    expect(() => triangularSolve([[1]] as never, tf.ones([1, 1]))).toThrow('triangularSolve: matrix must be a tf.Tensor');
  });
});
