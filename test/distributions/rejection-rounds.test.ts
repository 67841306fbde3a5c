import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { setBackend } from '../../src/index';
import { binomialDraws, poissonDraws } from '../../src/distributions/count-draws';
import { marsagliaTsang } from '../../src/distributions/gamma-draws';

// Gamma, Poisson and Binomial draws reject in rounds. On cpu and wasm only the pending elements draw again; a GPU draws whole
// rounds and picks each element's numbers by its place among the pending ones. Both must give the same draws.
// 12,000 proposals in round 0, of which about 2% (more for tiny shapes) are rejected: later rounds are exercised.
const SHAPES = [0.01, 0.3, 1, 2.5, 40, 1e4];

it.each(['cpu', 'wasm'] as const)('the host and the whole-round rejection give the same Gamma draws, bit for bit, on %s', async (backend) => {
  // The host's proposals are scalar code (with Marsaglia and Tsang's squeeze); without a shape below 1 it skips the boost.
  await setBackend(backend);
  for (const shapes of [SHAPES, SHAPES.filter((s) => s >= 1)]) {
    const alpha = tf.tensor1d(shapes);
    for (const seed of [1, 2, 3]) {
      const host = marsagliaTsang(alpha, 2000, seed, true);
      const device = marsagliaTsang(alpha, 2000, seed, false);
      expect(Array.from(host.dataSync()), `shapes ${shapes}, seed ${seed}`).toEqual(Array.from(device.dataSync()));
      tf.dispose([host, device]);
    }
    alpha.dispose();
  }
});

it.each(['cpu', 'wasm'] as const)('Poisson and Binomial draws: the host (binary-search inversion, pending-only rejection) and the whole-round paths agree bit for bit on %s', async (backend) => {
  // Rates on both sides of the inversion threshold (a mean of 10), in one batch and alone (the host then skips a method).
  await setBackend(backend);
  const cases: [string, () => [tf.Tensor, tf.Tensor]][] = [
    ['Poisson mixed', () => [poissonDraws(tf.tensor1d([0.5, 7.5, 40, 3000]), 1500, 3, true), poissonDraws(tf.tensor1d([0.5, 7.5, 40, 3000]), 1500, 3, false)]],
    ['Poisson low', () => [poissonDraws(tf.scalar(4), 3000, 4, true), poissonDraws(tf.scalar(4), 3000, 4, false)]],
    ['Poisson high', () => [poissonDraws(tf.scalar(60), 3000, 5, true), poissonDraws(tf.scalar(60), 3000, 5, false)]],
    [
      'Binomial mixed',
      () => {
        const [n, logits] = [tf.tensor1d([5, 40, 1000, 20]), tf.tensor1d([0.3, -0.4, 2, -3])];
        return [binomialDraws(n, logits, 1500, 6, true), binomialDraws(n, logits, 1500, 6, false)];
      },
    ],
    [
      // The host's scalar BTRS: Stirling's series (n − k ≥ 16), the deviance's series near np and its log far from it, both ends.
      'Binomial by rejection',
      () => {
        const [n, logits] = [tf.tensor1d([1e6, 300, 64, 20]), tf.tensor1d([0.1, -1, 4, 0])];
        return [binomialDraws(n, logits, 3000, 7, true), binomialDraws(n, logits, 3000, 7, false)];
      },
    ],
  ];
  for (const [name, draw] of cases) {
    const [host, device] = tf.tidy(draw);
    expect(Array.from(host.dataSync()), name).toEqual(Array.from(device.dataSync()));
    tf.dispose([host, device]);
  }
});
