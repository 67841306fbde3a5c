import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectFlatTensorCount, values } from '../helpers/backends';
import { collectVariables, MLP, network, ValidationError } from '../../src/index';

describe('network', () => {
  it('wraps a function and its variables, frees its intermediates, and copies the list', async () => {
    const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const b = tf.variable(tf.tensor1d([0.5, -0.5]));
    const list = [w, b];
    const affine = network((x) => tf.add(tf.matMul(x, w), b), list);
    list.pop();
    expect(affine.variables).toEqual([w, b]);
    const x = tf.tensor2d([[1, 1]]);
    expect(await values(affine.apply(x))).toEqual([4.5, 5.5]);
    // matMul's result is an intermediate: a bare function would leak it on every call.
    await expectFlatTensorCount(() => affine.apply(x));
    const { grads, value } = tf.variableGrads(() => tf.sum(affine.apply(x)) as tf.Scalar, [...affine.variables]);
    expect(await values(grads[w.name]!)).toEqual([1, 1, 1, 1]);
    expect(await values(grads[b.name]!)).toEqual([1, 1]);
    tf.dispose([value, x, w, b]);
  });

  it('names what is wrong with its arguments', () => {
    const v = tf.variable(tf.zeros([1]));
    const t = tf.zeros([1]);
    expect(() => network('f' as never, [v])).toThrow(ValidationError);
    expect(() => network('f' as never, [v])).toThrow('network: apply must be a function (x: Tensor) => Tensor (got "f")');
    expect(() => network((x) => x, v as never)).toThrow('network: variables must be an array of tf.Variable');
    expect(() => network((x) => x, [v, t as tf.Variable])).toThrow('network: variables[1] must be a tf.Variable (got a tensor of shape [1])');
    tf.dispose([v, t]);
  });
});

describe('collectVariables', () => {
  it('lists the variables of networks and lists, each once, in order', () => {
    const encoder = new MLP({ sizes: [4, 3, 2], seed: 1 });
    const decoder = new MLP({ sizes: [2, 4], seed: 2 });
    const extra = tf.variable(tf.zeros([1]));
    const shared = network((x) => x, [extra, encoder.variables[0]!]);
    expect(collectVariables(encoder, decoder, [extra], shared, [])).toEqual([...encoder.variables, ...decoder.variables, extra]);
    expect(collectVariables()).toEqual([]);
    encoder.dispose();
    decoder.dispose();
    extra.dispose();
  });
});
