import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli, kl, LatentError, Normal, registerKL, setBackend, Uniform, ValidationError } from '../../src/index';
import { values } from '../helpers/backends';

// Classes made for these tests only, so that registering does not touch the built-in pairs.
class WideNormal extends Normal {}
class WiderNormal extends WideNormal {}
class Left extends Normal {}
class Right extends Normal {}

describe('the KL registry', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('dispatches a subclass to its nearest registered ancestors', async () => {
    const p = new WiderNormal({ loc: 0, scale: 1 });
    const q = new Normal({ loc: 1, scale: 2 });
    // Only Normal ‖ Normal is registered for these: the built-in closed form.
    expect(await values(kl(p, q))).toEqual(await values(kl(new Normal({ loc: 0, scale: 1 }), q)));
  });

  it('prefers the most specific pair, and a registration reaches the cache', async () => {
    const p = new WiderNormal({ loc: 0, scale: 1 });
    const q = new WiderNormal({ loc: 1, scale: 2 });
    expect((await values(kl(p, q)))[0]).toBeCloseTo(0.4431, 4); // cached: Normal ‖ Normal
    registerKL(WideNormal, WideNormal, () => tf.scalar(-7));
    expect(await values(kl(p, q))).toEqual([-7]); // the cache was cleared: WideNormal ‖ WideNormal is closer
    registerKL(WiderNormal, Normal, () => tf.scalar(-8));
    // (WiderNormal ‖ Normal) is 0 and 2 steps away, (WideNormal ‖ WideNormal) 1 and 1: neither is closer on both sides.
    expect(() => kl(p, q)).toThrow(LatentError);
    expect(() => kl(p, q)).toThrow(/ambiguous KL divergence for Normal ‖ Normal: .*WideNormal ‖ WideNormal.*register WiderNormal ‖ WiderNormal/);
    registerKL(WiderNormal, WiderNormal, () => tf.scalar(-9));
    expect(await values(kl(p, q))).toEqual([-9]);
  });

  it('refuses a pair that already has a KL, built in or registered', () => {
    expect(() => registerKL(Normal, Normal, () => tf.scalar(0))).toThrow(ValidationError);
    expect(() => registerKL(Normal, Normal, () => tf.scalar(0))).toThrow('registerKL: pair must not already have a KL divergence (got Normal ‖ Normal)');
    registerKL(Left, Right, () => tf.scalar(1));
    expect(() => registerKL(Left, Right, () => tf.scalar(2))).toThrow('(got Left ‖ Right)');
  });

  it('names both distributions when no pair exists', () => {
    const p = new Bernoulli({ probs: 0.5 });
    const q = new Uniform({ low: 0, high: 1 });
    expect(() => kl(p, q)).toThrow(
      'kl: no KL divergence is registered for Bernoulli ‖ Uniform; register one with registerKL or estimate it with klMonteCarlo',
    );
  });

  it('rejects what is not a class and a function', () => {
    expect(() => registerKL(Normal, Normal, 3 as never)).toThrow('registerKL: fn must be a function (p, q) => Tensor (got 3)');
  });
});
