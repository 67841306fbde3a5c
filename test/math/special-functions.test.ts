import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { expm1, gather, log1mExp, log1p, log1pExp, logSumExp, softplus, sum } from '../../src/index';
import fixtures from '../fixtures/math.json';

// References: scipy/numpy in float64 on the float32-rounded inputs (scripts/make-fixtures.py).
// Tolerance: 4 float32 ulps (relative 5e-7) on cpu and wasm; GPU shaders' exp/log are
// less exact, so webgpu gets 4e-6 relative (still 10x tighter than tf.log1p's error).
const RTOL = { cpu: 5e-7, wasm: 5e-7, webgpu: 4e-6, webgl: 4e-6 };
// Results below float32's smallest normal number (1.2e-38) underflow to 0 or subnormals.
const ATOL = 1.2e-38;

async function grad(f: (x: tf.Tensor) => tf.Tensor, x: readonly number[]): Promise<number[]> {
  return values(tf.grad((t: tf.Tensor) => tf.sum(f(t)))(tf.tensor(x)));
}

describeEachBackend('log1p', (backend) => {
  it('matches float64 log1p from 1e-30 to 3e38', async () => {
    const { x, log1p: want } = fixtures.log1p;
    expectClose(await values(log1p(tf.tensor(x))), want, { rtol: RTOL[backend], atol: ATOL });
  });

  it('is exact at -1 (-Infinity), NaN below', async () => {
    expect(await values(log1p(tf.tensor([-1, -2])))).toEqual([-Infinity, NaN]);
  });

  it('has gradient 1 / (1 + x)', async () => {
    const x = [1e-7, 0.5, -0.5, 3];
    expectClose(await grad(log1p, x), x.map((v) => 1 / (1 + Math.fround(v))), { rtol: RTOL[backend], atol: ATOL });
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor([1e-7, 0.5]);
    await expectFlatTensorCount(() => tf.grad((t: tf.Tensor) => tf.sum(log1p(t)))(x));
    x.dispose();
  });
});

describeEachBackend('expm1', (backend) => {
  it('matches float64 expm1', async () => {
    const { x, expm1: want } = fixtures.expm1;
    expectClose(await values(expm1(tf.tensor(x))), want, { rtol: RTOL[backend], atol: ATOL });
  });

  it('has gradient exp(x)', async () => {
    const x = [1e-6, -0.3, 2];
    expectClose(await grad(expm1, x), x.map((v) => Math.exp(Math.fround(v))), { rtol: RTOL[backend], atol: ATOL });
  });
});

describeEachBackend('log1pExp / softplus', (backend) => {
  it('matches float64 log(1 + exp(x)) from -200 to 200', async () => {
    const { x, softplus: want } = fixtures.softplus;
    expectClose(await values(log1pExp(tf.tensor(x))), want, { rtol: RTOL[backend], atol: ATOL });
  });

  it('has gradient sigmoid(x), 0.5 at 0', async () => {
    const { x, sigmoid } = fixtures.softplus;
    expectClose(await grad(softplus, x), sigmoid, { rtol: RTOL[backend], atol: ATOL });
  });
});

describeEachBackend('log1mExp', (backend) => {
  it('matches float64 log(1 - exp(x)) near 0 and far below', async () => {
    const { x, log1mExp: want } = fixtures.log1mExp;
    expectClose(await values(log1mExp(tf.tensor(x))), want, { rtol: RTOL[backend], atol: ATOL });
  });

  it('has gradient -exp(x) / (1 - exp(x))', async () => {
    const { x, grad: want } = fixtures.log1mExp;
    expectClose(await grad(log1mExp, x), want, { rtol: 4 * RTOL[backend], atol: ATOL });
  });
});

describeEachBackend('math input checks', () => {
  it('name the function and the rule for a wrong input', () => {
    const ints = tf.tensor([1, 2], undefined, 'int32');
    expect(() => log1p(ints)).toThrow('log1p: x must be a tensor of dtype float32 (got dtype int32)');
    expect(() => softplus([1, 2] as never)).toThrow('softplus: x must be a tf.Tensor (got [1, 2])');
    expect(() => gather(tf.ones([2]), tf.tensor([0]))).toThrow('gather: indices must be a tensor of dtype int32 (got dtype float32)');
    expect(() => logSumExp(tf.ones([2]), 1)).toThrow('logSumExp: axis must be an integer in [-1, 1) (got 1)');
    expect(sum(ints).dtype).toBe('int32');
    ints.dispose();
  });
});
