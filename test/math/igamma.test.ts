import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { igamma } from '../../src/index';
import fixtures from '../fixtures/gamma.json';
import { describeEachBackend, values } from '../helpers/backends';

describeEachBackend('igamma: the regularized lower incomplete gamma function against scipy (float64)', () => {
  it('P(a, x) within 4e-6, ∂P/∂a within 2e-5 relative or 1e-6, ∂P/∂x the density', async () => {
    const [a, x] = [tf.tensor(fixtures.a), tf.tensor(fixtures.x)];
    const p = await values(igamma(a, x));
    p.forEach((v, i) => {
      expect(Math.abs(v - fixtures.p[i]!), `P(${fixtures.a[i]}, ${fixtures.x[i]}): ${v} vs ${fixtures.p[i]}`).toBeLessThanOrEqual(4e-6);
    });
    const [da, dx] = tf.grads((s: tf.Tensor, t: tf.Tensor) => tf.sum(igamma(s, t)))([a, x]);
    const dA = await values(da!);
    const dX = await values(dx!);
    dA.forEach((v, i) => {
      const want = fixtures.dpda[i]!;
      expect(Math.abs(v - want), `∂P/∂a at (${fixtures.a[i]}, ${fixtures.x[i]}): ${v} vs ${want}`).toBeLessThanOrEqual(1e-6 + 2e-5 * Math.abs(want));
    });
    dX.forEach((v, i) => {
      const want = fixtures.dpdx[i]!;
      expect(Math.abs(v - want), `∂P/∂x at (${fixtures.a[i]}, ${fixtures.x[i]})`).toBeLessThanOrEqual(1e-6 + 2e-5 * Math.abs(want));
    });
    tf.dispose([a, x]);
  });
});
