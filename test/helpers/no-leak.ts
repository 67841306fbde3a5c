import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `call` and asserts that it leaves `tf.memory().numTensors` as it found
 * it. What it returns is disposed first (the caller's to free); an error it
 * throws is rethrown after the count is checked. With `warmup`, it runs that
 * many times before counting (lasting state such as compiled programs).
 */
export async function expectNoLeak(call: () => unknown, options: { warmup?: number } = {}): Promise<void> {
  const error = await countedRun(call, options);
  if (error !== undefined) throw error;
}

/**
 * Like {@link expectNoLeak}, for a call that must throw: asserts that it
 * threw and leaked nothing, and resolves to its error for the test to check.
 */
export async function expectThrowsWithoutLeak(call: () => unknown, options: { warmup?: number } = {}): Promise<Error> {
  const error = await countedRun(call, options);
  expect(error, 'the call should have thrown').toBeInstanceOf(Error);
  return error as Error;
}

/** Runs `call` (after `warmup` uncounted runs), asserts the tensor count is unchanged, and returns what it threw. */
async function countedRun(call: () => unknown, { warmup = 0 }: { warmup?: number }): Promise<unknown> {
  const run = async (): Promise<unknown> => {
    try {
      disposeResult(await call());
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

function disposeResult(result: unknown): void {
  if (result === null || result === undefined) return;
  if (result instanceof tf.Tensor) result.dispose();
  else if (typeof (result as { dispose?: unknown }).dispose === 'function') (result as { dispose(): void }).dispose();
  else if (typeof result === 'object') tf.dispose(result as tf.TensorContainer);
}
