import * as tf from '@tensorflow/tfjs-core';
import { IRIS_CLASS_NAMES, IRIS_ROWS } from './iris-data';
import type { LabelledData } from './labelled-data';

/** The iris measurements' names, in column order. */
export const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'] as const;

/**
 * Fisher's iris data (1936; UCI, CC BY 4.0 — the attribution ships in
 * `src/datasets/data/iris/ATTRIBUTION.md`): 150 flowers of three species, 4
 * measurements each in cm (see {@link IRIS_FEATURES}), 50 per species in order.
 *
 * @returns `x` float32 `[150, 4]`, `labels` int32 `[150]` (0 setosa, 1 versicolor, 2 virginica), owned by the caller.
 *
 * @example
 * ```ts
 * import { iris } from 'latent/datasets';
 * const { x, labels, classNames } = iris();
 * const gmm = await new GaussianMixture({ nComponents: 3, seed: 1 }).fit(x);
 * ```
 */
export function iris(): LabelledData {
  return {
    x: tf.tensor2d(IRIS_ROWS.map((row) => row.slice(0, 4))),
    labels: tf.tensor1d(IRIS_ROWS.map((row) => row[4]), 'int32'),
    classNames: IRIS_CLASS_NAMES,
  };
}
