import { randomSeed, splitSeed, ValidationError, type Seed } from 'latent';

/** Options of the 2-D toy densities ({@link twoMoons}, {@link eightGaussians}, …). */
export interface ToyDensityOptions {
  /** Reproduces the points exactly, on every backend; random when omitted. */
  seed?: Seed;
}

/** Checks `n` and gives `count` independent seeds for one draw of a toy density. */
export function toySeeds(where: string, n: number, options: ToyDensityOptions, count: number): Seed[] {
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(where, 'n', 'be a positive integer', n);
  return splitSeed(options.seed ?? randomSeed(), count);
}
