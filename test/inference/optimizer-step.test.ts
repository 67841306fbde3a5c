import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { NonFiniteError } from 'latent';
import { optimizerStep } from '../../src/inference/training-loop';
import { describeEachBackend, values } from '../helpers/backends';

// The training loop's guard: one check over all gradients (a single loop on cpu and wasm), then, only when it
// fails, one per variable to name the first bad one. A NaN or ±Infinity anywhere must be found, a finite
// gradient of any size must pass, and a failed step must leave every variable as it was.
describeEachBackend('optimizerStep', () => {
  it('names the first variable with a non-finite gradient entry anywhere, keeps every variable; finite gradients (up to 3e38) pass', async () => {
    const cases = fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
      poison: fc.option(fc.record({ variable: fc.nat(), entry: fc.nat(), value: fc.constantFrom(NaN, Infinity, -Infinity) }), { nil: undefined }),
      scale: fc.constantFrom(1, 3e38),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ sizes, poison, scale }) => {
        const bad = poison === undefined ? -1 : poison.variable % sizes.length;
        const gradients = sizes.map((n, i) => {
          const g = Array.from({ length: n }, (_, j) => scale * Math.cos(i + j));
          if (i === bad) g[(poison?.entry ?? 0) % n] = poison?.value as number;
          return tf.tensor1d(g);
        });
        const variables = sizes.map((n, i) => tf.variable(tf.fill([n], i + 0.5), true, `optimizerStep-${i}-${Math.random()}`));
        // The loss Σ Σ w is finite; its gradient in w_i is the constant gradients[i].
        const withGradient = (g: tf.Tensor) =>
          tf.customGrad((...args) => ({ value: tf.sum(args[0] as tf.Tensor), gradFunc: (dy) => tf.mul(dy as tf.Tensor, g) }));
        const ops = gradients.map(withGradient);
        const loss = () => tf.addN(variables.map((w, i) => (ops[i] as (x: tf.Tensor) => tf.Tensor)(w))) as tf.Scalar;
        const optimizer = tf.train.sgd(1e-40);
        const before = await Promise.all(variables.map((w) => values(w.clone())));
        const run = optimizerStep('Test', 4, variables, optimizer, loss);
        if (bad < 0) {
          await expect(run).resolves.toBeCloseTo(sizes.reduce((s, n, i) => s + n * (i + 0.5), 0), 3);
        } else {
          const error = await run.then(() => null, (e: unknown) => e);
          expect(error).toBeInstanceOf(NonFiniteError);
          expect((error as Error).message).toBe(`Test: the gradient of variable '${variables[bad]?.name}' is not finite at step 4; the variables keep their values from step 3`);
          expect(await Promise.all(variables.map((w) => values(w.clone())))).toEqual(before);
        }
        tf.dispose([...gradients, ...variables]);
        optimizer.dispose();
      }),
      { numRuns: 40, seed: 12 },
    );
  });
});
