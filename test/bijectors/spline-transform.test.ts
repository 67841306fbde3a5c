import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { it } from 'vitest';
import { SplineTransform } from '../../src/bijectors/spline-transform';
import { softplus } from '../../src/math/log1p-exp';
import { describeEachBackend, expectClose } from '../helpers/backends';
import { valueAndGradients } from '../helpers/value-and-gradients';
import { expectNoLeak } from '../helpers/no-leak';

// SplineTransform is one operation per direction with a hand-written gradient (the inverse's by the implicit
// function theorem): its values and the gradients of a loss of both outputs in the input and every parameter
// must equal those that tfjs computes itself through the plain composition below (the spline as written out
// op by op) — relative 2e-4, absolute 2e-5, over inputs inside the bound and in both tails.

function plainSpline(k: number, b: number, inverse: boolean, input: tf.Tensor, params: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const [w, h, d] = tf.split(params, [k, k, k - 1], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const upper = tf.tensor2d(Array.from({ length: k }, (_, r) => Array.from({ length: k }, (_, c) => (r <= c ? 1 : 0))));
  const knots = (raw: tf.Tensor) => {
    const sizes = tf.add(tf.mul(tf.softmax(raw), 1 - 1e-3 * k), 1e-3);
    const cumsum = tf.reshape(tf.matMul(tf.reshape(sizes, [-1, k]), upper), sizes.shape);
    const inner = tf.sub(tf.mul(tf.slice(cumsum, [0, 0, 0], [-1, -1, k - 1]), 2 * b), b);
    return tf.concat([tf.fill([...inner.shape.slice(0, -1), 1], -b), inner, tf.fill([...inner.shape.slice(0, -1), 1], b)], -1);
  };
  const xs = knots(w);
  const ys = knots(h);
  const ends = tf.ones([...params.shape.slice(0, -1), 1]);
  const derivatives = tf.concat([ends, tf.add(softplus(tf.add(d, Math.log(Math.expm1(1 - 1e-3)))), 1e-3), ends], -1);
  const inside = tf.logicalAnd(tf.greater(input, -b), tf.less(input, b));
  const v = tf.clipByValue(input, -b, b);
  const last = (t: tf.Tensor, begin: number, size: number) => tf.slice(t, [0, 0, begin], [-1, -1, size]);
  const bin = tf.cast(tf.sum(tf.step(tf.sub(tf.expandDims(v, -1), last(inverse ? ys : xs, 1, k - 1))), -1), 'int32');
  const select = tf.cast(tf.oneHot(bin, k), 'float32');
  const pick = (t: tf.Tensor, offset: number) => tf.sum(tf.mul(last(t, offset, k), select), -1);
  const xk = pick(xs, 0);
  const wk = tf.sub(pick(xs, 1), xk);
  const yk = pick(ys, 0);
  const hk = tf.sub(pick(ys, 1), yk);
  const dk = pick(derivatives, 0);
  const dk1 = pick(derivatives, 1);
  const s = tf.div(hk, wk);
  const c = tf.sub(tf.add(dk, dk1), tf.mul(s, 2));
  let xi: tf.Tensor;
  if (inverse) {
    const dy = tf.sub(v, yk);
    const qa = tf.add(tf.mul(hk, tf.sub(s, dk)), tf.mul(dy, c));
    const qb = tf.sub(tf.mul(hk, dk), tf.mul(dy, c));
    const qc = tf.neg(tf.mul(s, dy));
    xi = tf.div(tf.mul(qc, 2), tf.sub(tf.neg(qb), tf.sqrt(tf.relu(tf.sub(tf.square(qb), tf.mul(tf.mul(qa, qc), 4))))));
  } else {
    xi = tf.div(tf.sub(v, xk), wk);
  }
  const q = tf.mul(xi, tf.sub(1, xi));
  const den = tf.add(s, tf.mul(c, q));
  const out = inverse ? tf.add(tf.mul(xi, wk), xk) : tf.add(yk, tf.div(tf.mul(hk, tf.add(tf.mul(s, tf.square(xi)), tf.mul(dk, q))), den));
  const num = tf.add(tf.add(tf.mul(dk1, tf.square(xi)), tf.mul(tf.mul(s, 2), q)), tf.mul(dk, tf.square(tf.sub(1, xi))));
  const logSlope = tf.sub(tf.add(tf.mul(tf.log(s), 2), tf.log(num)), tf.mul(tf.log(den), 2));
  return [tf.where(inside, out, input), tf.where(inside, inverse ? tf.neg(logSlope) : logSlope, tf.zerosLike(input))];
}

describeEachBackend('SplineTransform', () => {
  it('values and gradients equal tfjs gradients of the plain composition, both directions, inside and in the tails', async () => {
    const cases = fc.record({
      bins: fc.integer({ min: 2, max: 8 }),
      bound: fc.double({ min: 1, max: 5, noNaN: true }),
      inverse: fc.boolean(),
      rows: fc.integer({ min: 1, max: 5 }),
      dim: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ bins, bound, inverse, rows, dim, seed }) => {
        const transform = new SplineTransform(bins, bound);
        const [v, params, w1, w2] = tf.tidy(() => [
          tf.mul(tf.randomUniform([rows, dim], -1.3, 1.3, 'float32', seed), bound),
          tf.randomNormal([rows, dim, 3 * bins - 1], 0, 1, 'float32', seed + 1),
          tf.randomNormal([rows, dim], 0, 1, 'float32', seed + 2),
          tf.randomNormal([rows, dim], 0, 1, 'float32', seed + 3),
        ]) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const op = (a: tf.Tensor, p: tf.Tensor): [tf.Tensor, tf.Tensor] => {
          const { value, logDet } = inverse ? transform.inverse(a, p) : transform.forward(a, p);
          return [value, logDet];
        };
        const ours = await valueAndGradients(op, v, params, [w1, w2]);
        const reference = await valueAndGradients((a, p) => plainSpline(bins, bound, inverse, a, p), v, params, [w1, w2]);
        ours.forEach((x, i) => expectClose(x, reference[i] as number[], { rtol: 2e-4, atol: 2e-5 }));
        tf.dispose([v, params, w1, w2]);
        transform.dispose();
      }),
      { numRuns: 40, seed: 4 },
    );
  });

  it('frees what it makes, with and without a gradient', async () => {
    const transform = new SplineTransform(4, 2);
    const v = tf.randomUniform([16, 2], -3, 3, 'float32', 1);
    const params = tf.randomNormal([16, 2, 11], 0, 1, 'float32', 2);
    await expectNoLeak(
      () => {
        const { value, logDet } = transform.inverse(v, params);
        tf.dispose([value, logDet, tf.grads((a: tf.Tensor, p: tf.Tensor) => tf.sum(transform.forward(a, p).logDet))([v, params])]);
      },
      { warmup: 1 },
    );
    tf.dispose([v, params]);
    transform.dispose();
  });
});
