import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { importanceWeightedBound } from '../../src/estimators/importance-weighted-bound';
import { logImportanceWeights } from '../../src/estimators/log-weights';
import { exactLogEvidence, logJoint, MODEL, posteriorQ } from './linear-gaussian';

// The test model itself: with the exact posterior as q, every log-weight equals log p(x) exactly.
describeEachBackend('linear-Gaussian test model', (backend) => {
  it('has log p(x, z) − log p(z | x) = log p(x) for every z', async () => {
    const q = posteriorQ(MODEL);
    const exact = exactLogEvidence(MODEL);
    const logWeights = tf.tidy(() => logImportanceWeights('test', logJoint(MODEL), q, 7, { reparameterized: true, seed: 1 }).logWeights);
    const bound = importanceWeightedBound(logWeights, 7);
    // float32 sums of terms up to ~10 cancelling to log p(x) ≈ -4: 1e-5 relative (2e-5 on webgpu).
    const rtol = backend === 'webgpu' ? 2e-5 : 1e-5;
    expectClose(await values(logWeights), Array.from({ length: 7 }, () => exact).flat(), { rtol });
    expectClose(await values(bound), exact, { rtol });
    q.dispose();
  });
});
