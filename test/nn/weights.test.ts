import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { loadWeights, MLP, network, randomNormal, saveWeights, ShapeError, ValidationError, type SavedWeights } from '../../src/index';

/** Every variable's values, to prove a failed load changed none of them. */
function snapshot(variables: readonly tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
}

/** saveWeights → JSON text → parsed object, as a file on disk would give it back. */
async function throughJson(variables: Parameters<typeof saveWeights>[0]): Promise<SavedWeights> {
  return JSON.parse(JSON.stringify(await saveWeights(variables))) as SavedWeights;
}

/** The JSON-parsed weights of a fresh MLP, which is freed. */
async function savedMLP(sizes: number[], seed: number): Promise<SavedWeights> {
  const mlp = new MLP({ sizes, seed });
  const saved = await throughJson(mlp);
  mlp.dispose();
  return saved;
}

describeEachBackend('saveWeights / loadWeights', () => {
  it('round-trips through JSON: a fresh MLP of the same sizes computes the same outputs, bit for bit', async () => {
    const trained = new MLP({ sizes: [5, 16, 7, 3], activation: 'elu', outputActivation: 'tanh', seed: 1 });
    // Biases with all 24 significant bits, as training would leave them.
    trained.layers.forEach((layer, i) => layer.bias.assign(tf.mul(randomNormal([layer.outputSize], { seed: 10 + i }), Math.PI)));
    const saved = await throughJson(trained);
    expect(saved.format).toBe('latent-weights');
    expect(saved.version).toBe(1);
    expect(saved.weights.map((w) => w.shape)).toEqual([[5, 16], [16], [16, 7], [7], [7, 3], [3]]);

    const restored = new MLP({ sizes: [5, 16, 7, 3], activation: 'elu', outputActivation: 'tanh', seed: 2 });
    loadWeights(restored, saved);
    expect(await snapshot(restored.variables)).toEqual(await snapshot(trained.variables));
    const x = randomNormal([2, 4, 5], { seed: 3 });
    expect(await values(restored.apply(x))).toEqual(await values(trained.apply(x)));
    x.dispose();
    trained.dispose();
    restored.dispose();
  });

  it('saves and loads a plain list of variables and a network() wrapper', async () => {
    const a = tf.variable(randomNormal([3, 2], { seed: 4 }));
    const b = tf.variable(tf.zeros([3, 2]));
    loadWeights([b], await throughJson([a]));
    expect(await b.data()).toEqual(await a.data());
    const c = tf.variable(tf.zeros([3, 2]));
    loadWeights(network((x) => tf.matMul(x, c), [c]), await throughJson(network((x) => tf.matMul(x, a), [a])));
    expect(await c.data()).toEqual(await a.data());
    tf.dispose([a, b, c]);
  });

  it('rejects a mismatch or garbage, naming it, and changes no variable', async () => {
    const target = new MLP({ sizes: [3, 4, 2], seed: 5 });
    const before = await snapshot(target.variables);
    const good = await savedMLP([3, 4, 2], 6);
    const withLast = (last: unknown) => ({ ...good, weights: [...good.weights.slice(0, 3), last] }) as SavedWeights;
    const cases: Array<[unknown, new (...args: never[]) => Error, string]> = [
      [await savedMLP([3, 2], 7), ShapeError, 'loadWeights: saved weights hold 2 variables, the network has 4'],
      [
        await savedMLP([3, 4, 5], 7),
        ShapeError,
        'loadWeights: variable 2 has shape [4,2] (8 values), saved shape [4,5] with 20 values',
      ],
      [withLast({ shape: [2], values: [1] }), ShapeError, 'loadWeights: variable 3 has shape [2] (2 values), saved shape [2] with 1 values'],
      [withLast({ shape: [2], values: [1, NaN] }), ValidationError, 'loadWeights: weights[3].values must be finite numbers (got NaN at index 1)'],
      [withLast({ shape: [2], values: [Infinity, 1] }), ValidationError, 'loadWeights: weights[3].values must be finite numbers (got Infinity at index 0)'],
      // JSON writes NaN as null.
      [JSON.parse(JSON.stringify(withLast({ shape: [2], values: [1, NaN] }))), ValidationError, 'finite numbers (got null at index 1)'],
      [withLast({ shape: [2], values: [1, '2'] }), ValidationError, 'finite numbers (got "2" at index 1)'],
      [withLast(null), ValidationError, 'loadWeights: weights[3] must be { shape: number[], values: number[] } (got null)'],
      [withLast({ shape: [2] }), ValidationError, 'loadWeights: weights[3] must be { shape: number[], values: number[] } (got an object with keys ["shape"])'],
      [null, ValidationError, "loadWeights: saved must be weights written by saveWeights ({ format: 'latent-weights', weights: [...] }) (got null)"],
      ['{"format":"latent-weights"}', ValidationError, 'saveWeights ({ format: \'latent-weights\', weights: [...] }) (got "{\\"format\\":\\"latent-weights\\"}")'],
      [{ format: 'latent-weights' }, ValidationError, '(got an object with keys ["format"])'],
      [{ format: 'other', weights: [] }, ValidationError, '(got an object with keys ["format", "weights"])'],
      [good.weights, ValidationError, '(got an array of 4 items)'],
      [{ ...good, version: 2 }, ValidationError, 'loadWeights: saved.version must be 1 (got 2)'],
    ];
    for (const [saved, type, message] of cases) {
      expect(() => loadWeights(target, saved as SavedWeights), message).toThrow(type);
      expect(() => loadWeights(target, saved as SavedWeights)).toThrow(message);
    }
    expect(await snapshot(target.variables)).toEqual(before);
    // The good weights do load (the cases above failed for their own reason).
    loadWeights(target, good);
    expect(await snapshot(target.variables)).not.toEqual(before);
    target.dispose();
  });

  it('leaks no tensors', async () => {
    const mlp = new MLP({ sizes: [3, 4, 2], seed: 8 });
    const saved = await saveWeights(mlp);
    await expectNoLeak(async () => {
      for (let i = 0; i < 5; i++) loadWeights(mlp, await throughJson(mlp));
      loadWeights(mlp, saved);
    });
    mlp.dispose();
  });
});

describe('loadWeights on disposed variables', () => {
  it('refuses before assigning anything', async () => {
    const a = tf.variable(tf.ones([2]));
    const b = tf.variable(tf.ones([2]));
    const saved = await saveWeights([a, b]);
    b.dispose();
    expect(() => loadWeights([a, b], { ...saved, weights: [{ shape: [2], values: [5, 5] }, { shape: [2], values: [5, 5] }] })).toThrow(
      'loadWeights: variables[1] must not be disposed',
    );
    expect(await values(tf.clone(a))).toEqual([1, 1]);
    a.dispose();
  });
});
