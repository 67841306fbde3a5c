import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `call` and asserts that it leaves `tf.memory().numTensors` as it found
 * it, whether it returns or throws. What it returns is disposed first (the
 * caller's to free); with `warmup`, it runs that many times before counting
 * (lasting state such as compiled programs). Resolves to the error thrown, or
 * `undefined`, so that a test can check the message of a call that must fail.
 */
export async function expectNoLeak(call: () => unknown, { warmup = 0 }: { warmup?: number } = {}): Promise<unknown> {
  const run = async (): Promise<unknown> => {
    try {
      const result = await call();
      disposeResult(result);
      return undefined;
    } catch (e) {
      return e ?? new Error('threw a nullish value');
    }
  };
  for (let i = 0; i < warmup; i++) await run();
  const before = tf.memory().numTensors;
  const error = await run();
  expect(tf.memory().numTensors - before, `tensors leaked${error === undefined ? '' : ` (the call threw: ${String(error)})`}`).toBe(0);
  return error;
}

/** Like {@link expectNoLeak}, for a call that must throw: resolves to its error, failing when it returns. */
export async function expectThrowsWithoutLeak(call: () => unknown, options?: { warmup?: number }): Promise<Error> {
  const error = await expectNoLeak(call, options);
  expect(error, 'the call should have thrown').toBeInstanceOf(Error);
  return error as Error;
}

function disposeResult(result: unknown): void {
  if (result === null || result === undefined) return;
  if (result instanceof tf.Tensor) {
    result.dispose();
    return;
  }
  if (typeof (result as { dispose?: unknown }).dispose === 'function') {
    (result as { dispose(): void }).dispose();
    return;
  }
  if (typeof result === 'object') tf.dispose(result as tf.TensorContainer);
}
