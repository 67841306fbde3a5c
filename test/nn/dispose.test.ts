import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { collectVariables, Dense, DisposedError, glorotUniform, loadWeights, meanFieldGuide, MLP, saveWeights, ValidationError } from '../../src/index';
import { describeEachBackend } from '../helpers/backends';
import { expectNoLeak, expectThrowsWithoutLeak } from '../helpers/no-leak';

describeEachBackend('networks and guides: dispose and bad input', () => {
  it('Dense, MLP and meanFieldGuide free everything they made, and refuse use afterwards', async () => {
    await expectNoLeak(() => new Dense({ inputSize: 3, outputSize: 2, seed: 1 }));
    await expectNoLeak(() => new MLP({ sizes: [3, 8, 2], seed: 1 }));
    await expectNoLeak(() => meanFieldGuide({ shape: [5, 2], eventDims: 1 }));
    const x = tf.zeros([4, 3]);
    const dense = new Dense({ inputSize: 3, outputSize: 2, seed: 1 });
    const mlp = new MLP({ sizes: [3, 8, 2], seed: 1 });
    const guide = meanFieldGuide({ shape: [5, 2], eventDims: 1 });
    for (const owner of [dense, mlp, guide]) owner.dispose();
    expect(() => dense.apply(x)).toThrow(DisposedError);
    expect(() => mlp.apply(x)).toThrow('MLP.apply: this MLP has been disposed');
    expect(() => guide.distribution()).toThrow('MeanFieldGuide.distribution: this MeanFieldGuide has been disposed');
    x.dispose();
  });

  it('meanFieldGuide refuses an initScale float32 turns into 0 or Infinity', async () => {
    for (const initScale of [1e-50, 1e300, 1e39]) {
      const error = await expectThrowsWithoutLeak(() => meanFieldGuide({ shape: [2], initScale }));
      expect(error.message).toBe(`meanFieldGuide: initScale must be positive and representable in float32 (between about 1e-38 and 1e38) (got ${initScale})`);
    }
  });

  it('saveWeights, loadWeights, collectVariables and glorotUniform name the bad argument', async () => {
    await expect(saveWeights({ apply: () => null } as never)).rejects.toThrow(
      'saveWeights: owner must be a Network (an object with apply and variables, such as an MLP) or an array of tf.Variable (got an object with keys [apply])',
    );
    expect(() => loadWeights(42 as never, { format: 'latent-weights', version: 1, weights: [] })).toThrow(/^loadWeights: owner must be a Network/);
    expect(() => collectVariables([tf.scalar(1)] as never)).toThrow(/^collectVariables: parts\[0\] variables\[0\] must be a tf\.Variable/);
    for (const [fanIn, fanOut, name] of [[-1, 2, 'fanIn'], [2, 1.5, 'fanOut']] as const) {
      const error = await expectThrowsWithoutLeak(() => glorotUniform(fanIn, fanOut));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe(`glorotUniform: ${name} must be a positive integer (got ${name === 'fanIn' ? fanIn : fanOut})`);
    }
  });
});
