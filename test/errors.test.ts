import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, LatentError, NonFiniteError, setBackend, ShapeError, ValidationError } from '../src/index';

describe('errors', () => {
  it('name the function, the argument, the rule and the value', () => {
    const e = new ValidationError('Normal', 'scale', 'be positive', -1, '-1 at index 3');
    expect(e.message).toBe('Normal: scale must be positive (got -1 at index 3)');
    expect(e).toBeInstanceOf(LatentError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ValidationError');
    expect([e.where, e.argument]).toEqual(['Normal', 'scale']);
  });

  it('format values shortly: numbers, strings, long arrays, tensors', async () => {
    await setBackend('cpu');
    expect(new ValidationError('f', 'x', 'be finite', NaN).message).toBe('f: x must be finite (got NaN)');
    expect(new ValidationError('f', 'x', 'be short', Array.from({ length: 10 }, (_, i) => i)).message).toBe(
      'f: x must be short (got [0, 1, 2, 3, 4, 5, 6, 7, …])',
    );
    const t = tf.zeros([5, 2]);
    expect(new ValidationError('f', 'x', 'be a vector', t).message).toBe('f: x must be a vector (got a tensor of shape [5,2])');
    t.dispose();
    expect(new ValidationError('f', 'name', 'be known', 'tpu').message).toBe('f: name must be known (got "tpu")');
  });

  it('have one class per kind of failure', () => {
    expect(new ShapeError('logProb', 'value shape [5,2] does not broadcast with batchShape [3]').message).toBe(
      'logProb: value shape [5,2] does not broadcast with batchShape [3]',
    );
    const b = new BackendUnavailableError('webgpu', 'no adapter');
    expect([b.backend, b.message, b.name]).toEqual(['webgpu', "backend 'webgpu' is unavailable: no adapter", 'BackendUnavailableError']);
    expect(new NonFiniteError('SVI.run', 'loss is NaN at step 17').message).toBe('SVI.run: loss is NaN at step 17');
  });
});
