import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  Bernoulli,
  Categorical,
  Independent,
  kl,
  klMonteCarlo,
  MixtureSameFamily,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  Normal,
  registerKL,
  ShapeError,
  Uniform,
  ValidationError,
} from '../../src/index';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

// Every bad input gets a typed error naming the function, the argument, the rule and the value, and frees what it made.
describeEachBackend('distributions given bad input', (backend) => {
  it('a constructor that throws frees the tensors it made', async () => {
    const failing: Array<[() => unknown, RegExp]> = [
      [() => new Normal({ loc: 0, scale: -1 }), /^Normal: scale must be positive and finite \(got -1\)$/],
      [() => new Normal({ loc: [0, 1], scale: [1, 2, 3] }), /^Normal: loc and scale shapes \[2\] and \[3\] do not broadcast$/],
      [() => new Uniform({ low: [0, 2], high: 1 }), /^Uniform: high must/],
      [() => new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [1, -1]] }), /^MultivariateNormalTriL: scaleTril must be lower-triangular/],
      [() => new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1] }), /^MultivariateNormalDiag: loc and scaleDiag shapes/],
      [() => new Categorical({ probs: [0.5, 0.6] }), /^Categorical: probs must be non-negative and sum to 1/],
      [() => new Bernoulli({ probs: [0.5, 2] }), /^Bernoulli: probs must be in \[0, 1\] \(got 2 at index 1\)$/],
    ];
    for (const [make, message] of failing) {
      const error = await expectThrowsWithoutLeak(make, { warmup: 1 });
      expect(error).toBeInstanceOf(error instanceof ShapeError ? ShapeError : ValidationError);
      expect(error.message).toMatch(message);
    }
  });

  it('a bool tensor parameter is converted and freed with the distribution', async () => {
    const flags = tf.tensor([true, false, true], [3], 'bool');
    await expectNoLeak(() => new Bernoulli({ probs: flags }), { warmup: 1 });
    await expectNoLeak(() => new Normal({ loc: flags, scale: 1 }), { warmup: 1 });
    const normal = new Normal({ loc: flags, scale: 1 });
    expect(await values(normal.mean())).toEqual([1, 0, 1]);
    normal.dispose();
    flags.dispose();
  });

  it('checks the float32 values a tensor holds, not the JS numbers', async () => {
    // 1e-46 is 0 in float32 and 1e39 is Infinity: both used to pass and give NaN or −Infinity.
    for (const scale of [1e-46, 1e39]) {
      const error = await expectThrowsWithoutLeak(() => new Normal({ loc: 0, scale }));
      expect(error.message).toBe(`Normal: scale must be positive and finite (got ${Math.fround(scale)})`);
    }
    const error = await expectThrowsWithoutLeak(() => new Categorical({ logits: [1e39, 0] }));
    expect(error.message).toMatch(/^Categorical: logits must not be NaN or \+Infinity.*\(got Infinity at index 0\)$/);
    await expectThrowsWithoutLeak(() => new Uniform({ low: 0, high: 1e-46 }));
  });

  it('refuses ragged nested arrays, naming the argument and where the rows differ', async () => {
    let error = await expectThrowsWithoutLeak(() => new Normal({ loc: [[1, 2], [3]], scale: 1 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('Normal: loc must be a number, a rectangular (not ragged) nested array of numbers or a tf.Tensor (got length 1 at [1] where the first entry has shape [2])');
    const normal = new Normal({ loc: 0, scale: 1 });
    error = await expectThrowsWithoutLeak(() => normal.logProb([[1, 2], [3]] as unknown as number[][]));
    expect(error.message).toMatch(/^Normal\.logProb: value must be a number, a rectangular \(not ragged\)/);
    error = await expectThrowsWithoutLeak(() => normal.logProb([1, 'a'] as unknown as number[]));
    expect(error.message).toBe('Normal.logProb: value must be a number, a rectangular nested array of numbers or a tf.Tensor (got "a" at [1])');
    normal.dispose();
  });

  it('logProb(NaN) is refused under validation by every distribution', async () => {
    const normal = new Normal({ loc: [0, 1], scale: 1 });
    const tril = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
    const independent = new Independent(normal, 1);
    const mixture = new MixtureSameFamily({ mixture: new Categorical({ probs: [0.5, 0.5] }), components: normal });
    const cases: Array<[string, () => unknown]> = [
      ['Normal', () => normal.logProb([0, NaN])],
      ['MultivariateNormalTriL', () => tril.logProb([NaN, 0])],
      ['Independent', () => independent.logProb([NaN, 0])],
      ['MixtureSameFamily', () => mixture.logProb(NaN)],
    ];
    for (const [name, call] of cases) {
      const error = await expectThrowsWithoutLeak(call);
      if (backend === 'webgpu' && name === 'MultivariateNormalTriL') continue; // tensors cannot be read synchronously there
      expect(error.message).toMatch(new RegExp(`^${name}\\.logProb: value must not be NaN \\(got NaN( at index \\d)?\\)$`));
    }
    for (const d of [mixture.mixture, normal, tril]) d.dispose();
  });

  it('names the missing parameters object or parameter', async () => {
    const Ctor = Normal as unknown as new (p?: unknown) => Normal;
    let error = await expectThrowsWithoutLeak(() => new Ctor());
    expect(error.message).toBe('Normal: parameters must be an object { loc, scale } (got undefined)');
    error = await expectThrowsWithoutLeak(() => new Ctor({ scale: 1 }));
    expect(error.message).toBe('Normal: loc must be a number, a rectangular nested array of numbers or a tf.Tensor (got undefined)');
    error = await expectThrowsWithoutLeak(() => new (Bernoulli as unknown as new () => Bernoulli)());
    expect(error.message).toBe('Bernoulli: exactly one of logits and probs must be given (got neither)');
  });

  it('icdf names itself and its argument', async () => {
    const normal = new Normal({ loc: 0, scale: 1 });
    const error = await expectThrowsWithoutLeak(() => normal.icdf(1.5));
    expect(error.message).toBe('Normal.icdf: p must be in [0, 1] (got 1.5)');
    normal.dispose();
  });

  it('kl and registerKL name the bad argument', async () => {
    const p = new Normal({ loc: [0, 1], scale: 1 });
    const q = new Normal({ loc: [0, 1, 2], scale: 1 });
    let error = await expectThrowsWithoutLeak(() => kl(p, q));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('kl: p.batchShape and q.batchShape [2] and [3] do not broadcast');
    error = await expectThrowsWithoutLeak(() => kl(null as never, q));
    expect(error.message).toBe('kl: p must be a Distribution (got null)');
    error = await expectThrowsWithoutLeak(() => klMonteCarlo(p, 3 as never));
    expect(error.message).toBe('klMonteCarlo: q must be a Distribution (got 3)');
    expect(() => registerKL(Normal, 'Normal' as never, () => tf.scalar(0))).toThrow('registerKL: Q must be a class extending Distribution (got "Normal")');
    expect(() => registerKL(Object as never, Normal, () => tf.scalar(0))).toThrow('registerKL: P must be a class extending Distribution');
    expect(() => registerKL(Normal, Normal, 'fn' as never)).toThrow('registerKL: fn must be a function (p, q) => Tensor (got "fn")');
    for (const d of [p, q]) d.dispose();
  });

  it('Bernoulli({ probs: 0 }) has a zero, not NaN, gradient of log P(X = 0)', async () => {
    for (const [p0, x] of [[0, 0], [1, 1]] as const) {
      const probs = tf.scalar(p0);
      const grad = tf.grad((p: tf.Tensor) => {
        const d = new Bernoulli({ probs: p }, { validateArgs: false });
        return d.logProb(x);
      })(probs);
      expect(await values(grad)).toEqual([0]);
      probs.dispose();
    }
    // Inside (0, 1) the gradient is the analytic d/dp log(1 − p) = −1 / (1 − p).
    const grad = tf.grad((p: tf.Tensor) => new Bernoulli({ probs: p }, { validateArgs: false }).logProb(0))(tf.scalar(0.25));
    expectClose(await values(grad), [-1 / 0.75], { rtol: 1e-5 });
  });

  it('refuses a sample size no backend can hold before allocating', async () => {
    const normal = new Normal({ loc: [0, 1], scale: 1 });
    const started = performance.now();
    const error = await expectThrowsWithoutLeak(() => normal.sample(1e9));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toBe('Normal.sample: sampleShape must ask for at most 2^28 = 268435456 values in all (draw in smaller chunks) (got shape [1000000000,2]: 2000000000 values)');
    expect(() => normal.rsample([1e5, 1e5])).toThrow(/^Normal\.rsample: sampleShape must ask for at most/);
    normal.dispose();
  });

  it('MixtureSameFamily broadcasts a mixture batch shape against the components (as torch)', async () => {
    // mixture batch [3, 1] against components batch [3, 4] (+ K = 2): the same as the mixture tiled to [3, 4].
    const logits = tf.tensor([[[0.3, -0.2]], [[1, 0]], [[-2, 2]]]);
    const components = new Normal({ loc: tf.reshape(tf.linspace(-3, 3, 24), [3, 4, 2]), scale: 0.7 });
    const mixture = new MixtureSameFamily({ mixture: new Categorical({ logits }), components });
    const tiled = new MixtureSameFamily({ mixture: new Categorical({ logits: tf.tile(logits, [1, 4, 1]) }), components });
    expect(mixture.batchShape).toEqual([3, 4]);
    const x = tf.reshape(tf.linspace(-4, 4, 12), [1, 3, 4]);
    expectClose(await values(mixture.logProb(x)), await values(tiled.logProb(x)), { rtol: 1e-6, atol: 1e-6 });
    expectClose(await values(mixture.mean()), await values(tiled.mean()), { atol: 1e-6 });
    expect(mixture.sample(5, { seed: 1 }).shape).toEqual([5, 3, 4]);
    // Each batch entry draws its own component: the draws are those of the tiled mixture.
    expectClose(await values(mixture.sample(5, { seed: 1 })), await values(tiled.sample(5, { seed: 1 })), { atol: 1e-6 });
    expect(() => new MixtureSameFamily({ mixture: new Categorical({ logits: tf.zeros([2, 2]) }), components })).toThrow(
      /^MixtureSameFamily: mixture\.batchShape must broadcast to components\.batchShape without its last axis/,
    );
    tf.dispose([logits, x, components.loc]);
    for (const d of [components, mixture.mixture, tiled.mixture]) d.dispose();
  });
});
