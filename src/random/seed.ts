import { ValidationError } from '../errors';

/**
 * A seed: any safe integer. The same seed gives the same numbers, on every
 * backend. Derive independent seeds with {@link splitSeed} or a
 * {@link SeedStream}, never by adding 1.
 */
export type Seed = number;

const GOLDEN = 0x9e3779b9;

/** Murmur3's 32-bit finaliser: a bijective mix of a uint32. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Folds a seed to a uint32, checking it. */
export function seedToUint32(seed: Seed, where = 'seed'): number {
  if (!Number.isSafeInteger(seed)) throw new ValidationError(where, 'seed', 'be a safe integer', seed);
  const low = seed % 0x100000000;
  const high = Math.floor(seed / 0x100000000);
  return (low ^ mix32(high >>> 0)) >>> 0;
}

/** The `index`-th seed derived from `seed`. Never 0, which tfjs would treat as "no seed". */
export function deriveSeed(seed: Seed, index: number): Seed {
  const h = mix32((mix32(seedToUint32(seed)) + Math.imul(index + 1, GOLDEN)) >>> 0);
  return h === 0 ? GOLDEN : h;
}

/**
 * `count` independent seeds derived from `seed`, deterministically: the way to
 * give each part of a computation its own stream of random numbers.
 *
 * @example
 * ```ts
 * const [forEncoder, forNoise] = splitSeed(42, 2);
 * ```
 */
export function splitSeed(seed: Seed, count: number): Seed[] {
  if (!Number.isInteger(count) || count < 0) throw new ValidationError('splitSeed', 'count', 'be a non-negative integer', count);
  return Array.from({ length: count }, (_, i) => deriveSeed(seed, i));
}

/**
 * A fresh seed from the platform's cryptographic generator, for calls made
 * without one (library code never uses `Math.random`).
 *
 * @example
 * ```ts
 * const seed = randomSeed(); // log it to reproduce this run later
 * ```
 */
export function randomSeed(): Seed {
  const words = new Uint32Array(1);
  globalThis.crypto.getRandomValues(words);
  return words[0] || GOLDEN;
}

/** FNV-1a hash of a string to a uint32. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A stream of seeds derived from one seed (TFP's `SeedStream`): each
 * `next()` returns a new seed, and the sequence is the same for the same
 * seed and salt. Different salts give unrelated streams from one seed.
 *
 * @example
 * ```ts
 * const seeds = new SeedStream(42, 'training');
 * const a = randomNormal([3], { seed: seeds.next() });
 * const b = randomNormal([3], { seed: seeds.next() }); // independent of a
 * ```
 */
export class SeedStream {
  private readonly base: number;
  private count = 0;

  /** @param seed - the stream's seed; a random one when omitted. @param salt - a label that separates streams. */
  constructor(seed: Seed = randomSeed(), salt = '') {
    this.base = (seedToUint32(seed, 'SeedStream') ^ hashString(salt)) >>> 0;
  }

  /** The next seed of the stream. */
  next(): Seed {
    return deriveSeed(this.base, this.count++);
  }
}
