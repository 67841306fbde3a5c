import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { setBackend } from '../../src/index';
import { gammaShapeDerivative, gammaShapeGradient, interpolate, shapeDerivativeTable } from '../../src/math/gamma-shape-derivative';
import { igammaGradA, gammaLogDensity } from '../../src/math/igamma';
import fixtures from '../fixtures/gamma.json';

const { a, x, dpda, dpdx } = fixtures as { a: number[]; x: number[]; dpda: number[]; dpdx: number[] };

it('dz/da of Gamma draws on the host equals −(∂P/∂a)/p from scipy (central differences in float64), shapes 1e-3 to 1e3, quantiles 1e-6 to 1 − 1e-6', () => {
  const got = gammaShapeDerivative(a, x);
  a.forEach((ai, i) => {
    const want = -dpda[i]! / dpdx[i]!;
    // float32 output (6e-8) and the reference's central differences (h = 1e-5) allow 2e-5 relative.
    expect(Math.abs(got[i]! - want), `a = ${ai}, z = ${x[i]}: ${got[i]} vs ${want}`).toBeLessThanOrEqual(2e-5 * Math.abs(want) + 1e-30);
  });
});

it('agrees with the tensor version (float32 series and fraction) within 1e-3 relative, is finite where that one underflows, and is 0 at z ≤ 0', async () => {
  await setBackend('cpu');
  const shapes = [0.01, 0.3, 1, 4.5, 50, 1000]; // the tensor version's documented range
  const quantiles = [0.02, 0.3, 1, 1.7, 4];
  const aa = shapes.flatMap((s) => quantiles.map(() => s));
  const zz = shapes.flatMap((s) => quantiles.map((q) => q * s));
  const tensorVersion = tf.tidy(() => {
    const [at, zt] = [tf.tensor1d(aa), tf.tensor1d(zz)];
    return tf.neg(tf.div(igammaGradA(at, zt), tf.exp(gammaLogDensity(at, zt))));
  });
  const want = await tensorVersion.data();
  tensorVersion.dispose();
  const got = gammaShapeDerivative(aa, zz);
  // Far in a tail (z = 1 at a = 50: P ≈ 1e-65) the tensor version's float32 density underflows to 0 and
  // it returns NaN; the host one divides the expansions' prefactors analytically and stays finite.
  expect(got.every(Number.isFinite)).toBe(true);
  aa.forEach((s, i) => {
    if (Number.isFinite(want[i]!)) expect(Math.abs(got[i]! - want[i]!), `a = ${s}, z = ${zz[i]}`).toBeLessThanOrEqual(1e-3 * Math.abs(want[i]!) + 1e-6);
  });
  expect(want.filter(Number.isFinite).length).toBeGreaterThan(aa.length - 6);
  expect(Array.from(gammaShapeDerivative([2, 2], [0, -1]))).toEqual([0, 0]);
  // Beyond it (a = 1e4, where the tensor version's 256 series terms fall short: 0.963) the host one
  // matches scipy's central difference, 1.0000166651.
  expect(Math.abs(gammaShapeDerivative([1e4], [1e4])[0]! - 1.0000166651)).toBeLessThan(2e-6);
});

/** `count` float32 values log-uniformly spread over [lo, hi], in a fixed shuffled order. */
function logSpread(lo: number, hi: number, count: number): Float32Array {
  const z = new Float32Array(count);
  for (let k = 0; k < count; k++) z[k] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * (((k * 7919) % count) + 0.5) / count);
  return z;
}

it('the interpolated dz/da equals the exact one within 2e-7 relative (float32 rounding is 6e-8), shapes 1e-3 to 1e5, over 40 orders of magnitude', () => {
  for (const shape of [1e-3, 0.01, 0.3, 1, 2.5, 40, 1e3, 1e4, 1e5]) {
    const [lo, hi] = shape < 1 ? [1e-37, shape + 30] : [shape * 1e-3, shape + 40 * Math.sqrt(shape) + 40];
    const table = shapeDerivativeTable(shape, lo, hi);
    const z = logSpread(lo, hi, 5000);
    const bits = new Int32Array(z.buffer);
    const exact = gammaShapeDerivative(new Float32Array(z.length).fill(shape), z);
    z.forEach((zk, k) => {
      expect(Math.abs(interpolate(table, bits[k]!) - exact[k]!), `a = ${shape}, z = ${zk}`).toBeLessThanOrEqual(2e-7 * exact[k]!);
    });
  }
});

it('gammaShapeGradient sums dy · dz/da per shape: interpolated for a shape with 20,000 draws or more, exactly below, both as the exact sum within 1e-6', () => {
  const shapes = new Float32Array([0.3, 2.5, 40]);
  for (const perShape of [25_000, 300]) {
    const z = new Float32Array(perShape * shapes.length);
    const dy = new Float32Array(z.length);
    shapes.forEach((shape, b) => {
      logSpread(shape / 50, shape * 4 + 10, perShape).forEach((value, k) => {
        z[k * shapes.length + b] = value;
        dy[k * shapes.length + b] = 1 + (k % 5) / 4;
      });
    });
    const exact = gammaShapeDerivative(z.map((_, i) => shapes[i % shapes.length]!), z);
    const got = gammaShapeGradient(shapes, z, dy);
    shapes.forEach((shape, b) => {
      let want = 0;
      for (let i = b; i < z.length; i += shapes.length) want += dy[i]! * exact[i]!;
      expect(Math.abs(got[b]! - want), `a = ${shape}, ${perShape} draws`).toBeLessThanOrEqual(1e-6 * want);
    });
  }
});
