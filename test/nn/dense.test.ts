import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';
import { kernelCalls } from '../helpers/kernels';
import { Dense, glorotUniform, randomNormal, ShapeError, ValidationError, type Activation } from '../../src/index';
import { ALL_ACTIVATIONS, dense64, plainDense } from './reference';

/** A Dense layer with a random (non-zero) bias, so that the bias takes part in every check. */
async function layerWithBias(inputSize: number, outputSize: number, activation: Activation, seed: number): Promise<Dense> {
  const layer = new Dense({ inputSize, outputSize, activation, seed });
  layer.bias.assign(randomNormal([outputSize], { seed: seed + 1 }));
  return layer;
}

/** ∂/∂(x, W, b) of Σ c ⊙ y, with x a variable so one `tf.variableGrads` call gives all three. */
async function gradients(
  f: (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  layer: Dense,
  c: tf.Tensor,
): Promise<number[][]> {
  const xVar = tf.variable(x);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(xVar, layer.kernel, layer.bias), c)) as tf.Scalar, [
    xVar,
    layer.kernel,
    layer.bias,
  ]);
  const out = [await values(grads[xVar.name]!), await values(grads[layer.kernel.name]!), await values(grads[layer.bias.name]!)];
  tf.dispose([xVar, value]);
  return out;
}

/** The BatchMatMul / _FusedMatMul kernels `f` issues, with their transpose attributes. */
function matMulKernels(f: () => void): string[] {
  return kernelCalls(f)
    .filter(({ name }) => name === 'BatchMatMul' || name === '_FusedMatMul')
    .map(({ name, attrs }) => `${name}${attrs?.transposeA ? ' transposeA' : ''}${attrs?.transposeB ? ' transposeB' : ''}`);
}

describeEachBackend('Dense', (backend) => {
  // Forward: float32 against a float64 reference. With |x|, |W|, |b| = O(1) and
  // 7 inputs, x·W + b carries a rounding error near 7 · 6e-8 · Σ|x W| ≲ 1e-6,
  // and every activation is 1-Lipschitz, so |Δy| ≤ 1e-5 · |y| + 2e-6.
  it.each(ALL_ACTIVATIONS)('%s: f(x·W + b) matches float64 for inputs of rank 1, 2 and 3', async (activation) => {
    const layer = await layerWithBias(7, 5, activation, 11);
    const kernel = await layer.kernel.data();
    const bias = await layer.bias.data();
    for (const shape of [[7], [4, 7], [3, 2, 7]]) {
      const x = tf.mul(randomNormal(shape, { seed: 5 }), 2);
      const y = layer.apply(x);
      expect(y.shape).toEqual([...shape.slice(0, -1), 5]);
      expectClose(await values(y), dense64(activation, await x.data(), kernel, bias, 7, 5), { rtol: 1e-5, atol: 2e-6 });
      x.dispose();
    }
    layer.dispose();
  });

  // Gradients: the customGrad backward against tfjs's own gradients of the same
  // layer built from tf.matMul + tf.add + activation. Both are float32 sums of
  // at most 16 products of O(1) terms: they agree to 1e-5 relative + 1e-5.
  it.each(ALL_ACTIVATIONS)('%s: gradients w.r.t. x, kernel and bias equal tfjs gradients of plain ops', async (activation) => {
    const layer = await layerWithBias(12, 10, activation, 21);
    const x = tf.mul(randomNormal([16, 12], { seed: 6 }), 2);
    const c = randomNormal([16, 10], { seed: 7 });
    const ours = await gradients((input) => layer.apply(input), x, layer, c);
    const plain = await gradients((input, w, b) => plainDense(activation, input, w, b), x, layer, c);
    for (let k = 0; k < 3; k++) expectClose(ours[k]!, plain[k]!, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, c]);
    layer.dispose();
  });

  // Gradients against central differences of a float64 JS loss at the same
  // float32 weights, for a rank-3 input. h = 1e-5 leaves a truncation error
  // near h² ≈ 1e-10; the float32 gradient is accurate to ~1e-6 absolute.
  it.each(ALL_ACTIVATIONS)('%s: gradients of a rank-3 input equal float64 central differences', async (activation) => {
    const layer = await layerWithBias(4, 3, activation, 31);
    const x = randomNormal([2, 3, 4], { seed: 8 });
    const c = randomNormal([2, 3, 3], { seed: 9 });
    const [gx, gw, gb] = await gradients((input) => layer.apply(input), x, layer, c);
    const xs = Array.from(await x.data());
    const ws = Array.from(await layer.kernel.data());
    const bs = Array.from(await layer.bias.data());
    const cs = Array.from(await c.data());
    const loss = () => dense64(activation, xs, ws, bs, 4, 3).reduce((s, y, i) => s + y * (cs[i] as number), 0);
    const h = 1e-5;
    const centralDifference = (params: number[]) =>
      params.map((_, i) => {
        const p = params[i] as number;
        params[i] = p + h;
        const up = loss();
        params[i] = p - h;
        const down = loss();
        params[i] = p;
        return (up - down) / (2 * h);
      });
    // relu and elu have a kink at 0: no pre-activation may lie within h of it.
    const pre = dense64('linear', xs, ws, bs, 4, 3);
    expect(Math.min(...pre.map(Math.abs))).toBeGreaterThan(1e-3);
    expectClose(gx!, centralDifference(xs), { rtol: 1e-5, atol: 2e-6 });
    expectClose(gw!, centralDifference(ws), { rtol: 1e-5, atol: 2e-6 });
    expectClose(gb!, centralDifference(bs), { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([x, c]);
    layer.dispose();
  });

  // A mask (MADE's) is applied inside the layer's operation: its gradients must equal tfjs's of x·(W ⊙ M) + b,
  // and the kernel's gradient must be 0 where the mask cuts a connection.
  it.each(ALL_ACTIVATIONS)('%s: a masked layer uses W ⊙ mask, with the gradients of plain ops', async (activation) => {
    const mask = Array.from({ length: 12 }, (_, i) => Array.from({ length: 10 }, (_, j) => ((i * 7 + j * 3) % 5 < 3 ? 1 : 0)));
    const layer = new Dense({ inputSize: 12, outputSize: 10, activation, mask, seed: 21 });
    layer.bias.assign(randomNormal([10], { seed: 22 }));
    const m = tf.tensor2d(mask);
    const x = tf.mul(randomNormal([16, 12], { seed: 6 }), 2);
    const c = randomNormal([16, 10], { seed: 7 });
    const ours = await gradients((input) => layer.apply(input), x, layer, c);
    const plain = await gradients((input, w, b) => plainDense(activation, input, tf.mul(w, m), b), x, layer, c);
    for (let k = 0; k < 3; k++) expectClose(ours[k]!, plain[k]!, { rtol: 1e-5, atol: 1e-5 });
    expect(ours[1]!.filter((_, i) => mask.flat()[i] === 0).every((g) => g === 0)).toBe(true);
    tf.dispose([x, c, m]);
    layer.dispose();
  });

  it('backward issues plain matMuls only (transposeA/transposeB run ~10x slower on wasm), the bias gradient as 1ᵀ·d', () => {
    const layer = new Dense({ inputSize: 8, outputSize: 6, activation: 'tanh', seed: 1 });
    const x = tf.variable(randomNormal([5, 8], { seed: 2 }));
    const backward = (f: () => tf.Tensor) =>
      matMulKernels(() => tf.dispose(tf.variableGrads(() => tf.sum(f()) as tf.Scalar, [x, layer.kernel, layer.bias]).grads));
    expect(backward(() => layer.apply(x))).toEqual(['_FusedMatMul', 'BatchMatMul', 'BatchMatMul', 'BatchMatMul']);
    // The check itself works: tfjs's own matMul gradient uses both transposed forms.
    expect(backward(() => plainDense('tanh', x, layer.kernel, layer.bias))).toEqual(
      expect.arrayContaining(['BatchMatMul transposeA', 'BatchMatMul transposeB']),
    );
    x.dispose();
    layer.dispose();
  });

  it('maps an empty batch to an empty output, with zero gradients', async () => {
    const layer = new Dense({ inputSize: 3, outputSize: 2, activation: 'relu', seed: 1 });
    const x = tf.variable(tf.zeros([2, 0, 3]));
    expect(layer.apply(x).shape).toEqual([2, 0, 2]);
    // webgpu cannot reduce an empty tensor (tf.sum throws in createBuffer), so no loss can be formed there.
    if (backend !== 'webgpu') {
      // wasm's matMul over an inner axis of length 0 leaves garbage: the layer must return exact zeros.
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, [x, layer.kernel, layer.bias]);
      expect(await values(grads[layer.kernel.name]!)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(await values(grads[layer.bias.name]!)).toEqual([0, 0]);
      expect(grads[x.name]!.shape).toEqual([2, 0, 3]);
      tf.dispose([value, grads]);
    }
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensors in apply or in a gradient step', async () => {
    const layer = new Dense({ inputSize: 6, outputSize: 4, activation: 'softplus', seed: 3 });
    const x = randomNormal([2, 5, 6], { seed: 4 });
    await expectFlatTensorCount(() => layer.apply(x));
    await expectFlatTensorCount(() => tf.variableGrads(() => tf.sum(layer.apply(x)) as tf.Scalar, [...layer.variables]));
    x.dispose();
    layer.dispose();
  });

  it('starts from a seeded Glorot-uniform kernel and a zero bias', async () => {
    const a = new Dense({ inputSize: 30, outputSize: 20, seed: 5 });
    const b = new Dense({ inputSize: 30, outputSize: 20, seed: 5 });
    const other = new Dense({ inputSize: 30, outputSize: 20, seed: 6 });
    const kernel = await a.kernel.data();
    expect(kernel).toEqual(await b.kernel.data());
    expect(kernel).not.toEqual(await other.kernel.data());
    expect(Math.max(...Array.from(kernel, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    expect(Array.from(await a.bias.data())).toEqual(new Array(20).fill(0));
    expect(a.variables).toEqual([a.kernel, a.bias]);
    expect(a.activation).toBe('linear');
    for (const layer of [a, b, other]) layer.dispose();
  });
});

describeEachBackend('glorotUniform', () => {
  // 60,000 draws of U(−a, a): the sample mean has sd a/√(3n) ≈ 0.0024 a and
  // the mean square has sd a²·√(4/45/n) ≈ 0.0012 a² (0.37% of a²/3). Bounds of
  // 0.02 a and 2% of a²/3 are over 5 sd away, and the draws are seeded.
  it('draws U(−√(6/(in+out)), √(6/(in+out))): bound, mean 0, variance limit²/3', async () => {
    const limit = Math.sqrt(6 / (200 + 300));
    const w = glorotUniform(200, 300, { seed: 12 });
    expect(w.shape).toEqual([200, 300]);
    const xs = await values(w);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...xs.map(Math.abs))).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(mean)).toBeLessThan(0.02 * limit);
    expect(Math.abs(variance / (limit ** 2 / 3) - 1)).toBeLessThan(0.02);
  });

  it('reproduces a seed exactly and differs between seeds', async () => {
    const a = await values(glorotUniform(3, 4, { seed: 1 }));
    expect(await values(glorotUniform(3, 4, { seed: 1 }))).toEqual(a);
    expect(await values(glorotUniform(3, 4, { seed: 2 }))).not.toEqual(a);
  });
});

describe('Dense validation', () => {
  it('names the option, the rule and the value', () => {
    expect(() => new Dense({ inputSize: 0, outputSize: 2 })).toThrow(new ValidationError('Dense', 'inputSize', 'be a positive integer', 0));
    expect(() => new Dense({ inputSize: 0, outputSize: 2 })).toThrow('Dense: inputSize must be a positive integer (got 0)');
    expect(() => new Dense({ inputSize: 2, outputSize: 1.5 })).toThrow('Dense: outputSize must be a positive integer (got 1.5)');
    expect(() => new Dense({ inputSize: 2, outputSize: 2, activation: 'gelu' as Activation })).toThrow(
      `Dense: activation must be one of 'linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu' (got "gelu")`,
    );
    expect(() => new Dense(undefined as never)).toThrow('Dense: inputSize must be a positive integer');
    expect(() => new Dense({ inputSize: 2, outputSize: 2, seed: 0.5 })).toThrow(ValidationError);
  });

  it('rejects inputs of the wrong width, rank, type or dtype', () => {
    const layer = new Dense({ inputSize: 3, outputSize: 2, seed: 1 });
    const wide = tf.zeros([4, 5]);
    const scalar = tf.scalar(1);
    const ints = tf.zeros([4, 3], 'int32');
    expect(() => layer.apply(wide)).toThrow(new ShapeError('Dense.apply', 'x shape [4,5] must end in 3 features'));
    expect(() => layer.apply(wide)).toThrow(ShapeError);
    expect(() => layer.apply(scalar)).toThrow('Dense.apply: x shape [] must end in 3 features');
    expect(() => layer.apply(ints)).toThrow('Dense.apply: x must have dtype float32 (got "int32")');
    expect(() => layer.apply([1, 2, 3] as never)).toThrow('Dense.apply: x must be a tf.Tensor (got [1, 2, 3])');
    tf.dispose([wide, scalar, ints]);
    layer.dispose();
  });
});

