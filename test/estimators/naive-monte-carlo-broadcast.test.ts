import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { naiveMonteCarlo, Normal, ShapeError, ValidationError } from '../../src/index';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectThrowsWithoutLeak } from '../helpers/no-leak';

describeEachBackend('naiveMonteCarlo with one prior shared by N data points', () => {
  it('returns one evidence per data point when logLikelihood broadcasts to [S, N]', async () => {
    // z ~ N(0, 1), x_n | z ~ N(z, 1): p(x_n) = N(x_n; 0, 2).
    const x = tf.tensor1d([-1, 0, 0.5, 2]);
    const prior = new Normal({ loc: 0, scale: 1 });
    const logLikelihood = (z: tf.Tensor) => new Normal({ loc: tf.expandDims(z, 1), scale: 1 }, { validateArgs: false }).logProb(x);
    const estimate = naiveMonteCarlo({ prior, logLikelihood, numSamples: 200_000, seed: 1 });
    expect(estimate.shape).toEqual([4]);
    const exact = [-1, 0, 0.5, 2].map((v) => -0.25 * v * v - 0.5 * Math.log(4 * Math.PI));
    // 200,000 prior draws: the standard error of each log-estimate is below 0.005; 0.02 is 4 of them.
    expectClose(await values(estimate), exact, { atol: 0.02 });
    // A shape that does not broadcast, or no tensor at all, is named.
    const pair = new Normal({ loc: [0, 0], scale: 1 });
    const error = await expectThrowsWithoutLeak(() => naiveMonteCarlo({ prior: pair, logLikelihood: () => tf.zeros([10, 3]), numSamples: 10 }));
    pair.dispose();
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('naiveMonteCarlo: logLikelihood returned shape [10,3]; expected [10, ...] with batchShape [2] broadcasting to the rest');
    const notATensor = await expectThrowsWithoutLeak(() => naiveMonteCarlo({ prior, logLikelihood: () => 0 as never, numSamples: 10 }));
    expect(notATensor).toBeInstanceOf(ValidationError);
    expect(notATensor.message).toBe('naiveMonteCarlo: logLikelihood must return a tensor [10] (samples ++ batchShape) (got 0)');
    prior.dispose();
    x.dispose();
  });
});
