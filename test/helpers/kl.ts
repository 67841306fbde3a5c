import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { kl, klMonteCarlo, type Distribution } from '../../src/index';
import { expectClose, values } from './backends';

/**
 * Checks kl(p, q) against float64 references (with the given tolerances), that
 * kl(p, p) = 0 and kl(p, q) >= 0, and that klMonteCarlo with 2e5 draws (5e4
 * on webgpu, which here is lavapipe: a GPU emulated on the CPU) lies
 * within 5 standard errors (the log-ratio's sd over √n, from the reference)
 * plus 1e-5 relative for float32 rounding of the average, plus 1e-6.
 */
export async function expectKLMatches(
  p: Distribution,
  q: Distribution,
  reference: { kl: number[]; logRatioSd: number[] },
  tolerance: { rtol: number; atol: number },
): Promise<void> {
  const closed = await values(kl(p, q));
  expectClose(closed, reference.kl, tolerance);
  expect(closed.every((v) => v >= 0)).toBe(true);
  expect(await values(kl(p, p))).toEqual(reference.kl.map(() => 0));
  const n = tf.getBackend() === 'webgpu' ? 50_000 : 200_000;
  const estimate = await values(klMonteCarlo(p, q, { numSamples: n, seed: 2 }));
  estimate.forEach((e, i) => {
    const exact = reference.kl[i] as number;
    const bound = (5 * (reference.logRatioSd[i] as number)) / Math.sqrt(n) + 1e-5 * exact + 1e-6;
    expect(Math.abs(e - exact), `pair ${i}`).toBeLessThanOrEqual(bound);
  });
}
