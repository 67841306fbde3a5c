import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conformanceChecks, type DistributionFamily } from 'latent/testing';
import { Normal } from 'latent';
import { describeEachBackend } from '../helpers/backends';

// Every built-in distribution runs the exported conformance kit, on every backend.
const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });

const FAMILIES: DistributionFamily[] = [
  {
    name: 'Normal',
    parameters: fc.record({ loc: fc.array(real(-5, 5), { minLength: 2, maxLength: 2 }), scale: fc.array(positive(0.1, 4), { minLength: 2, maxLength: 2 }) }),
    create: ({ loc, scale }) => new Normal({ loc: loc!, scale: scale! }),
    normalisation: 'continuous',
  },
];

describeEachBackend('conformance', () => {
  for (const family of FAMILIES) {
    describe(family.name, () => {
      for (const [name, check] of Object.entries(conformanceChecks(family, { numRuns: 4, seed: 3 }))) it(name, check);
    });
  }
});
