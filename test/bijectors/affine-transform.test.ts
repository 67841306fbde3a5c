import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { it } from 'vitest';
import { AffineTransform } from '../../src/bijectors/affine-transform';
import { describeEachBackend, expectClose } from '../helpers/backends';
import { valueAndGradients } from '../helpers/value-and-gradients';
import { expectNoLeak } from '../helpers/no-leak';

// AffineTransform is one operation with a hand-written gradient: its values and the gradients of a loss of
// both outputs (value and log-det) in the input and every parameter must equal those of the plain
// composition y = x·exp(s) + t, s = b·tanh(raw / b), that tfjs differentiates itself — relative 1e-5.

function plain(b: number, sign: 1 | -1, v: tf.Tensor, params: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const [t, raw] = tf.unstack(params, params.rank - 1) as [tf.Tensor, tf.Tensor];
  const s = tf.mul(tf.tanh(tf.div(raw, b)), b);
  return sign === 1 ? [tf.add(tf.mul(v, tf.exp(s)), t), s] : [tf.mul(tf.sub(v, t), tf.exp(tf.neg(s))), tf.neg(s)];
}

describeEachBackend('AffineTransform', () => {
  it('values and gradients equal those of the plain composition, both directions, any batch shape', async () => {
    const cases = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      bound: fc.double({ min: 0.5, max: 5, noNaN: true }),
      sign: fc.constantFrom(1 as const, -1 as const),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ shape, bound, sign, seed }) => {
        const transform = new AffineTransform(bound);
        const [v, params, w1, w2] = tf.tidy(() => [
          tf.randomNormal(shape, 0, 1, 'float32', seed),
          tf.randomNormal([...shape, 2], 0, 2, 'float32', seed + 1),
          tf.randomNormal(shape, 0, 1, 'float32', seed + 2),
          tf.randomNormal(shape, 0, 1, 'float32', seed + 3),
        ]) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const op = (a: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          const { value, logDet } = sign === 1 ? transform.forward(a, p) : transform.inverse(a, p);
          return [value, logDet];
        };
        const ours = await valueAndGradients(op, v, params, [w1, w2]);
        const reference = await valueAndGradients((a, p) => plain(bound, sign, a, p), v, params, [w1, w2]);
        ours.forEach((x, i) => expectClose(x, reference[i] as number[], { rtol: 1e-5, atol: 1e-6 }));
        tf.dispose([v, params, w1, w2]);
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('frees what it makes, with and without a gradient', async () => {
    const transform = new AffineTransform(3);
    const v = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    const params = tf.randomNormal([16, 2, 2], 0, 1, 'float32', 2);
    await expectNoLeak(() => {
      const { value, logDet } = transform.inverse(v, params);
      tf.dispose([value, logDet, tf.grads((a: tf.Tensor, p: tf.Tensor) => tf.sum(transform.forward(a, p).value))([v, params])]);
    });
    tf.dispose([v, params]);
  });
});
