import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect } from 'vitest';
import { setBackend, type BackendName } from '../../src/index';

/**
 * The backends every numeric test runs on: cpu and wasm always; webgpu when
 * an adapter exists (Dawn + lavapipe in CI). With LATENT_REQUIRE_WEBGPU=1 (set
 * by .ci/run) a missing WebGPU fails the run instead of being skipped.
 */
export const TEST_BACKENDS: readonly BackendName[] = await detectBackends();

async function detectBackends(): Promise<BackendName[]> {
  const backends: BackendName[] = ['cpu', 'wasm'];
  try {
    await setBackend('webgpu');
    backends.push('webgpu');
  } catch (e) {
    if (process.env.LATENT_REQUIRE_WEBGPU === '1') throw e;
    console.warn(`webgpu tests skipped: ${(e as Error).message}`);
  }
  return backends;
}

/** Runs `body` once per test backend, inside a describe block that selects it. */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await setBackend(backend);
      });
      body(backend);
    });
  }
}

/**
 * Asserts that `step` leaves no tensor behind: after `warmup` calls (which
 * may create lasting state such as compiled programs), `iterations` more
 * calls must not change `tf.memory().numTensors`. Results are disposed.
 */
export async function expectFlatTensorCount(
  step: () => unknown,
  { warmup = 3, iterations = 50 }: { warmup?: number; iterations?: number } = {},
): Promise<void> {
  const run = async () => tf.dispose((await step()) as tf.TensorContainer);
  for (let i = 0; i < warmup; i++) await run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < iterations; i++) await run();
  expect(tf.memory().numTensors, `tensors leaked over ${iterations} calls`).toBe(before);
}

/** A tensor's values as a float64 JS array (async: GPU backends cannot read synchronously in Node). */
export async function values(t: tf.Tensor): Promise<number[]> {
  const data = Array.from(await t.data());
  t.dispose();
  return data;
}

/** Asserts |actual - expected| <= atol + rtol·|expected| elementwise; equal infinities pass. */
export function expectClose(actual: readonly number[], expected: readonly number[], { rtol = 0, atol = 0 } = {}): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    if (!Number.isFinite(e) || Number.isNaN(e)) {
      expect(a, `index ${i}`).toBe(e);
      return;
    }
    const bound = atol + rtol * Math.abs(e);
    expect(Math.abs(a - e), `index ${i}: got ${a}, expected ${e} ± ${bound}`).toBeLessThanOrEqual(bound);
  });
}
