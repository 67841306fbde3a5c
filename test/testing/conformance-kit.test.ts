import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceChecks, type DistributionFamily } from 'latent/testing';
import { Normal, setBackend, type TensorInput } from 'latent';

// The kit must catch a wrong distribution, not only pass right ones.
class WrongVariance extends Normal {
  override variance(): tf.Tensor {
    return tf.mul(super.variance(), 1.5);
  }
}
class UnnormalisedDensity extends Normal {
  override logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(super.logProb(value), 0.05));
  }
}
class LeakyDetach extends Normal {
  override detach(): Normal {
    return this;
  }
}
class WrongSampleShape extends Normal {
  override sample(): tf.Tensor {
    return tf.zeros([1]);
  }
}

function family(name: string, create: DistributionFamily['create']): DistributionFamily {
  return {
    name,
    parameters: fc.record({ loc: fc.double({ min: -2, max: 2, noNaN: true }), scale: fc.double({ min: 0.5, max: 2, noNaN: true }) }),
    create,
    normalisation: 'continuous',
  };
}

describe('conformance kit', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('passes a correct distribution', async () => {
    const checks = conformanceChecks(family('Normal', ({ loc, scale }) => new Normal({ loc: loc!, scale: scale! })), { numRuns: 3 });
    for (const check of Object.values(checks)) await check();
  });

  it('catches a wrong variance', async () => {
    const checks = conformanceChecks(family('WrongVariance', ({ loc, scale }) => new WrongVariance({ loc: loc!, scale: scale! })), { numRuns: 3 });
    await expect(checks['sample moments']!()).rejects.toThrow(/WrongVariance conformance: sample variance/);
  });

  it('catches a density that does not integrate to 1', async () => {
    const checks = conformanceChecks(family('Unnormalised', ({ loc, scale }) => new UnnormalisedDensity({ loc: loc!, scale: scale! })), { numRuns: 3 });
    await expect(checks.normalisation!()).rejects.toThrow(/prob integrates to 1/);
    await expect(checks['closed-form kl agrees with klMonteCarlo']!()).resolves.toBeUndefined(); // a shift cancels in log p - log q
  });

  it('catches a detach that lets gradients through', async () => {
    const checks = conformanceChecks(family('LeakyDetach', ({ loc, scale }) => new LeakyDetach({ loc: loc!, scale: scale! })), { numRuns: 1 });
    await expect(checks['detach keeps values and stops gradients']!()).rejects.toThrow(/gradient flows through the detached parameters/);
  });

  it('catches a wrong sample shape', async () => {
    const checks = conformanceChecks(family('WrongShape', ({ loc, scale }) => new WrongSampleShape({ loc: loc!, scale: scale! })), { numRuns: 1 });
    await expect(checks['sample shapes']!()).rejects.toThrow(/sample shape/);
  });
});
