import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Independent, meanFieldGuide, MeanFieldGuide, ShapeError, ValidationError } from '../../src/index';
import { describeEachBackend, expectClose, expectFlatTensorCount, values } from '../helpers/backends';

// Cheap everywhere: a few small ops per backend. Tolerances: softplus(softplus⁻¹(s)) round-trips
// through float32 log/exp, 1e-6 relative; gradients of a gather are sums of float32 ones, 1e-6.

it('validates its options', () => {
  expect(() => meanFieldGuide(undefined as never)).toThrow('meanFieldGuide: shape must be an array of positive integers');
  expect(() => meanFieldGuide({ shape: [2, 0] })).toThrow('meanFieldGuide: shape must be an array of positive integers (got [2, 0])');
  expect(() => meanFieldGuide({ shape: [2.5] })).toThrow(ValidationError);
  expect(() => meanFieldGuide({ shape: [4, 2], eventDims: 3 })).toThrow('meanFieldGuide: eventDims must be an integer in [0, 2] (got 3)');
  expect(() => meanFieldGuide({ shape: [4, 2], eventDims: -1 })).toThrow(ValidationError);
  expect(() => meanFieldGuide({ shape: [2], initLoc: NaN })).toThrow('meanFieldGuide: initLoc must be finite (got NaN)');
  expect(() => meanFieldGuide({ shape: [2], initScale: 0 })).toThrow('meanFieldGuide: initScale must be positive and finite (got 0)');
  expect(() => meanFieldGuide({ shape: [2], initScale: Infinity })).toThrow(ValidationError);
});

describeEachBackend('meanFieldGuide', () => {
  it('a global latent: Independent Normal over the whole shape, initial loc and scale', async () => {
    const guide = meanFieldGuide({ shape: [3, 2], initLoc: 0.5, initScale: 0.3 });
    expect(guide).toBeInstanceOf(MeanFieldGuide);
    expect(guide.variables).toEqual([guide.loc, guide.rawScale]);
    expect(guide.loc.shape).toEqual([3, 2]);
    const q = tf.tidy(() => {
      const d = guide.distribution();
      expect(d).toBeInstanceOf(Independent);
      expect(d.batchShape).toEqual([]);
      expect(d.eventShape).toEqual([3, 2]);
      return d.logProb(tf.fill([3, 2], 0.5));
    });
    // log q at the mean: Σ −log s − ½ log 2π over 6 entries
    expectClose(await values(q), [6 * (-Math.log(0.3) - 0.5 * Math.log(2 * Math.PI))], { rtol: 1e-6 });
    expectClose(await values(guide.scale()), new Array(6).fill(0.3), { rtol: 1e-6 });
    expectClose(await values(tf.clone(guide.loc)), new Array(6).fill(0.5), { rtol: 0 });
    expect(() => guide.distribution(tf.tensor1d([0], 'int32'))).toThrow(
      new ShapeError('MeanFieldGuide.distribution', 'indices select rows of a batch axis, but every axis of shape [3,2] is an event axis (pass eventDims < 2)'),
    );
    guide.dispose();
    expect(guide.loc.isDisposed && guide.rawScale.isDisposed).toBe(true);
  });

  it('per data point: batchShape [N], rows picked by indices, gradients land on those rows only', async () => {
    const guide = meanFieldGuide({ shape: [5, 2], eventDims: 1 });
    tf.tidy(() => guide.loc.assign(tf.tensor2d([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]])));
    const indices = tf.tensor1d([3, 1, 3], 'int32');
    let shapes: unknown[] = [];
    const mean = tf.tidy(() => {
      const all = guide.distribution();
      const some = guide.distribution(indices);
      shapes = [all.batchShape, all.eventShape, some.batchShape, some.eventShape];
      return some.mean();
    });
    expect(shapes).toEqual([[5], [2], [3], [2]]);
    expectClose(await values(mean), [6, 7, 2, 3, 6, 7]);
    // The gradient of Σ_rows log q(0) flows back through the gather (wasm: gather's one-hot
    // gradient) onto the picked rows, twice onto row 3: ∂/∂μ = −μ/s², and
    // ∂/∂ρ = (μ²/s³ − 1/s)·sigmoid(ρ) with sigmoid(softplus⁻¹(s)) = 1 − e^{−s}; zero elsewhere.
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(guide.distribution(indices).logProb(tf.zeros([3, 2])))), [guide.loc, guide.rawScale]);
    value.dispose();
    const s = 0.1;
    const dLoc = (mu: number): number => -mu / s ** 2;
    const dRaw = (mu: number): number => (mu * mu / s ** 3 - 1 / s) * -Math.expm1(-s);
    expectClose(await values(grads[guide.loc.name] as tf.Tensor), [0, 0, dLoc(2), dLoc(3), 0, 0, 2 * dLoc(6), 2 * dLoc(7), 0, 0], { rtol: 1e-6 });
    expectClose(await values(grads[guide.rawScale.name] as tf.Tensor), [0, 0, dRaw(2), dRaw(3), 0, 0, 2 * dRaw(6), 2 * dRaw(7), 0, 0], { rtol: 1e-5 });
    await expectFlatTensorCount(() => tf.tidy(() => guide.distribution(indices).logProb(tf.zeros([3, 2]))), { warmup: 1, iterations: 5 });
    await expectFlatTensorCount(() => guide.scale(), { warmup: 1, iterations: 5 });
    indices.dispose();
    guide.dispose();
  });
});
