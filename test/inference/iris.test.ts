import { iris } from 'latent/datasets';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends';
import { GaussianMixture } from '../../src/index';

// The demo's data (latent/datasets): every K from 1 to 6 fits on every
// backend (float32 cancellation once made EM fail at K = 4..6 on wasm), and BIC picks K = 2,
// as scikit-learn does for full covariances.

describeEachBackend('GaussianMixture on iris', () => {
  it('fits K = 1..6 and BIC is lowest at K = 2', async () => {
    const { x: X, labels } = iris();
    labels.dispose();
    const bics: number[] = [];
    for (let k = 1; k <= 6; k++) {
      const model = new GaussianMixture({ nComponents: k, covarianceType: 'full', seed: 0, nInit: 5 }); // as the demo
      await model.fit(X);
      bics.push(await model.bic(X));
      model.dispose();
    }
    X.dispose();
    expect(bics.indexOf(Math.min(...bics))).toBe(1);
  });
});
