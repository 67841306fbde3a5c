import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { kernelCalls } from '../helpers/kernels';
import { MLP, randomNormal } from '../../src/index';
import { DENSE_LAYERS_SOURCE_SHA256 } from '../../src/nn/wasm/dense-layers.generated';
import { dense64, plainDense } from './reference';

describeEachBackend('dense layers on the host (WebAssembly SIMD on cpu and wasm)', (backend) => {
  // 37 rows and widths 14 = 8 + 4 + 2, 7 = 4 + 3 and 3 reach every block of
  // the module's matrix product (4 × 8, 4 × 4, 1 × 8, 1 × 4, and the last 1–3
  // columns of a row), forward and backward.
  const sizes = [3, 14, 64, 7];

  // Sums of up to 64 float32 products of O(1) terms: each carries a rounding
  // error near 64 · 6e-8 · Σ|h W| ≈ 4e-6 · Σ|h W|, three layers deep.
  it('computes relu layers like float64, for every block of its matrix product', async () => {
    const mlp = new MLP({ sizes, seed: 4 });
    mlp.layers.forEach((layer, i) => layer.bias.assign(randomNormal([layer.outputSize], { seed: 10 + i })));
    const x = randomNormal([37, 3], { seed: 5 });
    let h = Array.from(await x.data());
    for (const layer of mlp.layers) h = dense64(layer.activation, h, await layer.kernel.data(), await layer.bias.data(), layer.inputSize, layer.outputSize);
    expectClose(await values(mlp.apply(x)), h, { rtol: 2e-5, atol: 2e-5 });
    x.dispose();
    mlp.dispose();
  });

  // Both sides are float32 sums of the same products (over 37 rows for the
  // kernels' gradients), in different orders on some backends: 1e-5 relative + 1e-5.
  it('has the gradients tfjs gives the same layers written as plain ops', async () => {
    const mlp = new MLP({ sizes, seed: 6 });
    mlp.layers.forEach((layer, i) => layer.bias.assign(randomNormal([layer.outputSize], { seed: 20 + i })));
    const x = tf.variable(randomNormal([37, 3], { seed: 7 }));
    const c = randomNormal([37, 7], { seed: 8 });
    const variables = [x, ...mlp.variables];
    const gradients = async (f: (input: tf.Tensor) => tf.Tensor) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), c)) as tf.Scalar, variables);
      const out = await Promise.all(variables.map((v) => values(grads[v.name]!)));
      tf.dispose([value, grads]);
      return out;
    };
    const ours = await gradients((input) => mlp.apply(input));
    // Recorded, every layer's output is kept for the backward pass; unrecorded, only the last: the same values.
    const recorded = tf.variableGrads(() => tf.sum(tf.mul(mlp.apply(x), c)) as tf.Scalar, [x]);
    const unrecorded = tf.tidy(() => tf.sum(tf.mul(mlp.apply(x), c)));
    expect(await values(recorded.value)).toEqual(await values(unrecorded));
    tf.dispose([recorded.value, recorded.grads, unrecorded]);
    const plain = await gradients((input) => mlp.layers.reduce((h, layer) => plainDense(layer.activation, h, layer.kernel, layer.bias), input));
    ours.forEach((g, i) => expectClose(g, plain[i]!, { rtol: 1e-5, atol: 1e-5 }));
    tf.dispose([x, c]);
    mlp.dispose();
  });

  it.skipIf(backend === 'webgpu')('runs the whole stack as one kernel each way, with no matMul', () => {
    const mlp = new MLP({ sizes, seed: 1 });
    const x = randomNormal([37, 3], { seed: 2 });
    const names = kernelCalls(() => tf.dispose(tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, [...mlp.variables]).grads)).map(({ name }) => name);
    expect(names.filter((n) => n.startsWith('LatentDenseLayers'))).toEqual(['LatentDenseLayers', 'LatentDenseLayersGrad']);
    expect(names.filter((n) => n.includes('MatMul'))).toEqual([]);
    x.dispose();
    mlp.dispose();
  });
});

describe('dense-layers.generated.ts', () => {
  it('was compiled from dense-layers.c as it is now (else run npm run build:wasm)', () => {
    const source = readFileSync(new URL('../../src/nn/wasm/dense-layers.c', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(DENSE_LAYERS_SOURCE_SHA256);
  });
});
