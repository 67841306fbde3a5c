import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { setBackend } from '../../src/index';
import { marsagliaTsang } from '../../src/distributions/gamma-draws';

// Gamma draws reject in rounds. On cpu and wasm only the pending elements draw again; a GPU draws whole
// rounds and picks each element's numbers by its place among the pending ones. Both must give the same draws.
// 12,000 proposals in round 0, of which about 2% (more for tiny shapes) are rejected: later rounds are exercised.
const SHAPES = [0.01, 0.3, 1, 2.5, 40, 1e4];

it.each(['cpu', 'wasm'] as const)('the host and the whole-round rejection give the same Gamma draws, bit for bit, on %s', async (backend) => {
  await setBackend(backend);
  const alpha = tf.tensor1d(SHAPES);
  for (const seed of [1, 2, 3]) {
    const host = marsagliaTsang(alpha, 2000, seed, true);
    const device = marsagliaTsang(alpha, 2000, seed, false);
    expect(Array.from(host.dataSync())).toEqual(Array.from(device.dataSync()));
    tf.dispose([host, device]);
  }
  alpha.dispose();
});
