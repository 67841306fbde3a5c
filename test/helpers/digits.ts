import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The 8x8 digits (src/datasets/data/digits, UCI, CC BY 4.0; see its ATTRIBUTION.md),
 * binarised at pixel >= 8 of 16: 1797 rows of 64 pixels as 0/1 numbers.
 * Parsed once per test file; the split is fixed (first 1437 rows train, last 360 test).
 */
let rows: number[][] | undefined;

function binaryRows(): number[][] {
  rows ??= gunzipSync(readFileSync(new URL('../../src/datasets/data/digits/digits.csv.gz', import.meta.url)))
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split(',').slice(0, 64).map((v) => (Number(v) >= 8 ? 1 : 0)));
  return rows;
}

export const DIGITS_TRAIN_ROWS = 1437;
export const DIGITS_TEST_ROWS = 360;

/** The binarised digits as float32 tensors the caller owns: train `[1437, 64]`, test `[360, 64]`. */
export function binarizedDigits(): { train: tf.Tensor2D; test: tf.Tensor2D } {
  const all = binaryRows();
  return {
    train: tf.tensor2d(all.slice(0, DIGITS_TRAIN_ROWS)),
    test: tf.tensor2d(all.slice(DIGITS_TRAIN_ROWS, DIGITS_TRAIN_ROWS + DIGITS_TEST_ROWS)),
  };
}
