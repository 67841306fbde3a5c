import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Adam, ValidationError } from 'latent';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

describeEachBackend('Adam', () => {
  it('takes the steps tf.train.adam takes, for every variable at once (float32 rounding: 1e-5)', async () => {
    const make = () => [tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', 1)), tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2)), tf.variable(tf.scalar(0.3))];
    const ours = make();
    const theirs = make();
    const loss = (vs: tf.Variable[]) => () => tf.tidy(() => tf.addN(vs.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, i)), i + 1)))) as tf.Scalar);
    const adam = new Adam(0.05, { beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
    const reference = tf.train.adam(0.05, 0.8, 0.99, 1e-6);
    for (let step = 0; step < 30; step++) {
      adam.minimize(loss(ours));
      reference.minimize(loss(theirs));
    }
    for (let i = 0; i < ours.length; i++) expectClose(await values(ours[i]!.clone()), await values(theirs[i]!.clone()), { rtol: 1e-5, atol: 1e-5 });
    expect(adam.iterations).toBe(30);
    await expectNoLeak(() => adam.minimize(loss(ours)), { warmup: 1 });
    tf.dispose([...ours, ...theirs]);
    adam.dispose();
    reference.dispose();
  });

  it('getWeights / setWeights carry the state to a new optimiser: the next step is the same', async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    const adam = new Adam(0.1);
    for (let i = 0; i < 5; i++) adam.minimize(loss);
    const copy = new Adam(0.1);
    await copy.setWeights(await adam.getWeights());
    const start = await values(w.clone());
    adam.minimize(loss);
    const expected = await values(w.clone());
    w.assign(tf.tensor1d(start));
    copy.minimize(loss);
    expect(await values(w.clone())).toEqual(expected);
    expect(copy.iterations).toBe(6);
    w.dispose();
    adam.dispose();
    copy.dispose();
  });
});

it('Adam: bad settings are typed errors', () => {
  expect(() => new Adam(-1)).toThrow(new ValidationError('Adam', 'learningRate', 'be a number in (0, Infinity)', -1));
  expect(() => new Adam(0.1, { beta1: 1 })).toThrow(/Adam: beta1 must be a number in \(0, 1\)/);
});
