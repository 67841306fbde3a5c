import * as tf from '@tensorflow/tfjs-core';
import { gather } from '../math/gather';
import { oneHotFloat } from './one-hot-float';
import { randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';

/**
 * Hard responsibilities [N, K] (one-hot rows) from k-means: k-means++ seeding
 * (each new centre drawn with probability proportional to the squared
 * distance to the nearest chosen one; one candidate per step, where
 * scikit-learn's KMeans tries 2 + ⌊ln K⌋ and keeps the best), then Lloyd
 * iterations until no label changes or `maxIter` (default 20) passes. An
 * empty cluster keeps its previous centre. This stands in for the full
 * KMeans run of scikit-learn's `init_params='kmeans'`, so fitted numbers
 * from this initialisation differ from scikit-learn's.
 *
 * @param x - the data, [N, D].
 * @param k - the number of clusters, at most N.
 * @param seed - the seed of the centre draws.
 *
 * @example
 * ```ts
 * const resp = await kmeansResponsibilities(x, 3, 42); // [N, 3], one-hot
 * ```
 */
export async function kmeansResponsibilities(x: tf.Tensor, k: number, seed: Seed, maxIter = 20): Promise<tf.Tensor> {
  const n = x.shape[0] as number;
  const [uniformSeed] = splitSeed(seed, 1) as [Seed];
  const drawsTensor = randomUniform([k], { seed: uniformSeed });
  const draws = await drawsTensor.data();
  drawsTensor.dispose();
  const xNorm = tf.tidy(() => tf.sum(tf.square(x), 1, true)); // [N, 1]
  const xT = tf.transpose(x);
  const distanceTo = (centres: tf.Tensor) =>
    tf.tidy(() => {
      const cross = tf.matMul(centres, xT); // [C, N]
      return tf.relu(tf.add(tf.sub(tf.reshape(xNorm, [1, n]), tf.mul(cross, 2)), tf.sum(tf.square(centres), 1, true))); // [C, N]
    });
  const chosen = [Math.min(n - 1, Math.floor((draws[0] as number) * n))];
  let nearest = tf.tidy(() => distanceTo(gather(x, tf.tensor1d(chosen, 'int32'))));
  try {
    for (let c = 1; c < k; c++) {
      const d2 = await nearest.data();
      let total = 0;
      for (let i = 0; i < n; i++) total += d2[i] as number;
      let target = (draws[c] as number) * total;
      let pick = -1;
      for (let i = 0; i < n && pick < 0; i++) {
        target -= d2[i] as number;
        if (target < 0 && (d2[i] as number) > 0) pick = i;
      }
      // Every remaining point coincides with a centre: take the first unchosen one.
      if (pick < 0) pick = Array.from({ length: n }, (_, i) => i).find((i) => !chosen.includes(i)) as number;
      chosen.push(pick);
      const fresh = tf.tidy(() => distanceTo(gather(x, tf.tensor1d([pick], 'int32'))));
      const next = tf.minimum(nearest, fresh);
      tf.dispose([nearest, fresh]);
      nearest = next;
    }
    let centres = tf.tidy(() => gather(x, tf.tensor1d(chosen, 'int32')));
    let labels = tf.tidy(() => tf.argMin(distanceTo(centres), 0));
    for (let iteration = 0; iteration < maxIter; iteration++) {
      const previousCentres = centres;
      centres = tf.tidy(() => {
        const oneHot = oneHotFloat(labels, k); // [N, K]
        const counts = tf.reshape(tf.sum(oneHot, 0), [k, 1]);
        const sums = tf.matMul(tf.transpose(oneHot), x);
        return tf.where(tf.greater(tf.tile(counts, [1, x.shape[1] as number]), 0), tf.div(sums, tf.maximum(counts, 1)), previousCentres);
      });
      previousCentres.dispose();
      const nextLabels = tf.tidy(() => tf.argMin(distanceTo(centres), 0));
      const changed = tf.tidy(() => tf.any(tf.notEqual(nextLabels, labels)));
      const anyChanged = (await changed.data())[0] === 1;
      tf.dispose([changed, labels]);
      labels = nextLabels;
      if (!anyChanged) break;
    }
    const resp = tf.tidy(() => oneHotFloat(labels, k));
    tf.dispose([labels, centres]);
    return resp;
  } finally {
    tf.dispose([nearest, xNorm, xT]);
  }
}
