import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from 'latent';
import { DIGIT_LABELS, DIGIT_PIXELS } from './digits-data';
import type { LabelledData } from './labelled-data';

/** Options of {@link digits}. */
export interface DigitsOptions {
  /**
   * `'train'`: rows 0..1499; `'test'`: rows 1500..1796 (297 digits); `'all'`
   * (default): the 1797 rows. The split is fixed, so results compare across runs.
   */
  split?: 'train' | 'test' | 'all';
  /** Pixels as 0/1, 1 where the grey level is at least 8 of 16 (default true); false gives grey levels in [0, 1]. */
  binarize?: boolean;
}

/** Rows in the training part of {@link digits}; the rest is the test part. */
export const DIGITS_TRAIN_ROWS = 1500;

const ROWS = DIGIT_LABELS.length;
const PIXELS = 64;

/**
 * The 8×8 handwritten digits (Alpaydin & Kaynak 1998, UCI "Optical
 * Recognition of Handwritten Digits" test set, CC BY 4.0 — the attribution
 * ships in `src/datasets/data/digits/ATTRIBUTION.md`): 1797 images of 64
 * pixels, row-major, with their digit 0..9.
 *
 * @returns `x` float32 `[N, 64]` (0/1, or grey levels / 16), `labels` int32 `[N]`, owned by the caller.
 *
 * @example
 * ```ts
 * import { digits } from 'latent/datasets';
 * const train = digits({ split: 'train' }); // x [1500, 64] of 0/1
 * const test = digits({ split: 'test' });   // x [297, 64]
 * ```
 */
export function digits(options: DigitsOptions = {}): LabelledData {
  const { split = 'all', binarize = true } = options;
  if (split !== 'train' && split !== 'test' && split !== 'all') throw new ValidationError('digits', 'split', "be 'train', 'test' or 'all'", split);
  if (typeof binarize !== 'boolean') throw new ValidationError('digits', 'binarize', 'be a boolean', binarize);
  const start = split === 'test' ? DIGITS_TRAIN_ROWS : 0;
  const end = split === 'train' ? DIGITS_TRAIN_ROWS : ROWS;
  const n = end - start;
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) {
    const level = DIGIT_PIXELS.charCodeAt(start * PIXELS + i) - 97;
    x[i] = binarize ? (level >= 8 ? 1 : 0) : level / 16;
  }
  const labels = Int32Array.from({ length: n }, (_, i) => DIGIT_LABELS.charCodeAt(start + i) - 48);
  return {
    x: tf.tensor2d(x, [n, PIXELS]),
    labels: tf.tensor1d(labels, 'int32'),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
