import * as tf from '@tensorflow/tfjs-core';
import { splitSeed, type Seed } from '../random/seed';

// Samplers that work on every rejection round (or inversion level) at once hold a few dozen
// tensors of rounds × draws elements: in chunks of at most this many, 1e7 draws fit in memory.
const CHUNK_ELEMENTS = 2 ** 19;

/**
 * `draw(m, seed)` for n draws, in chunks of at most CHUNK_ELEMENTS / `perDraw`
 * draws (each chunk in its own tidy and with its own derived seed),
 * concatenated along the first axis. One chunk (the seed used as given) when
 * n is small enough, so chunking changes no small draw.
 */
export function inChunks(n: number, perDraw: number, seed: Seed, draw: (m: number, seed: Seed) => tf.Tensor): tf.Tensor {
  const size = Math.max(1, Math.floor(CHUNK_ELEMENTS / perDraw));
  if (n <= size) return draw(n, seed);
  const seeds = splitSeed(seed, Math.ceil(n / size));
  return tf.concat(seeds.map((s, i) => tf.tidy(() => draw(Math.min(size, n - i * size), s))), 0);
}
