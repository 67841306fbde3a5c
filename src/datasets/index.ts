/**
 * `latent/datasets`: small bundled data sets (iris, the 8×8 digits) with
 * their attribution, and seeded generators of the classic 2-D toy densities
 * used to test density models (two moons, eight Gaussians, checkerboard,
 * pinwheel, rings). A subpath of its own, so the main bundle stays small.
 * Every function returns tensors the caller owns.
 *
 * @packageDocumentation
 */
export { checkerboard } from './checkerboard';
export { digits, DIGITS_TRAIN_ROWS, type DigitsOptions } from './digits';
export { eightGaussians } from './eight-gaussians';
export { iris, IRIS_FEATURES } from './iris';
export type { LabelledData } from './labelled-data';
export { pinwheel } from './pinwheel';
export { rings } from './rings';
export type { ToyDensityOptions } from './toy-options';
export { twoMoons } from './two-moons';
