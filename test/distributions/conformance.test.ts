import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conformanceChecks, type DistributionFamily } from 'latent/testing';
import { Chain, Exp, Permute, Sigmoid, Tanh, TransformedDistribution, Bernoulli, Beta, Binomial, Poisson, RelaxedBernoulli, RelaxedOneHotCategorical, Categorical, Cauchy, ContinuousBernoulli, Dirichlet, Gamma, OneHotCategorical, StudentT, Exponential, HalfNormal, Independent, Laplace, LogNormal, MixtureSameFamily, MultivariateNormalDiag, MultivariateNormalTriL, Normal, Uniform } from 'latent';
import { describeEachBackend } from '../helpers/backends';

// Every built-in distribution runs the exported conformance kit, on every backend.
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const vector = (n: number, min: number, max: number) => fc.array(real(min, max), { minLength: n, maxLength: n });
const matrix = (rows: number, cols: number, min: number, max: number) => fc.array(vector(cols, min, max), { minLength: rows, maxLength: rows });

const FAMILIES: DistributionFamily[] = [
  {
    name: 'RelaxedBernoulli',
    // τ ≥ 1.2: a bounded density, which Simpson's rule integrates to 2e-3.
    parameters: fc.record({ temperature: vector(2, 1.2, 3), logits: vector(2, -3, 3) }),
    create: ({ temperature, logits }) => new RelaxedBernoulli({ temperature: temperature!, logits: logits! }),
    normalisation: 'continuous',
    integrationRange: () => [[0, 0], [1, 1]],
  },
  {
    name: 'RelaxedOneHotCategorical',
    parameters: fc.record({ temperature: vector(2, 0.3, 3), logits: matrix(2, 3, -3, 3) }),
    create: ({ temperature, logits }) => new RelaxedOneHotCategorical({ temperature: temperature!, logits: logits! }),
    normalisation: 'skip',
  },
  {
    name: 'Poisson',
    parameters: fc.record({ rate: vector(2, 0.3, 40) }),
    create: ({ rate }) => new Poisson({ rate: rate! }),
    normalisation: 'discrete',
    supportValues: () => Array.from({ length: 150 }, (_, k) => k), // P(K ≥ 150) < 1e-30 for λ ≤ 40
  },
  {
    name: 'Binomial',
    parameters: fc.record({ totalCount: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 2, maxLength: 2 }), logits: vector(2, -4, 4) }),
    create: ({ totalCount, logits }) => new Binomial({ totalCount: totalCount!, logits: logits! }),
    normalisation: 'discrete',
    supportValues: () => Array.from({ length: 31 }, (_, k) => k),
  },
  {
    name: 'ContinuousBernoulli',
    parameters: fc.record({ logits: vector(2, -6, 6) }),
    create: ({ logits }) => new ContinuousBernoulli({ logits: logits! }),
    normalisation: 'continuous',
    integrationRange: () => [[0, 0], [1, 1]],
  },
  {
    name: 'OneHotCategorical',
    parameters: fc.record({ logits: matrix(2, 3, -3, 3) }),
    create: ({ logits }) => new OneHotCategorical({ logits: logits! }),
    normalisation: 'skip',
  },
  {
    name: 'StudentT',
    // ν ≥ 5: the kit's bound on the sample variance needs a finite fourth moment (ν > 4).
    parameters: fc.record({ df: vector(2, 5, 30), loc: vector(2, -3, 3), scale: vector(2, 0.3, 3) }),
    create: ({ df, loc, scale }) => new StudentT({ df: df!, loc: loc!, scale: scale! }),
    // Beyond ±200 scales lies at most 1e-10 of the mass for ν ≥ 5.
    normalisation: 'continuous',
    integrationRange: (_d, { loc, scale }) => [(loc as number[]).map((m, i) => m - 200 * (scale as number[])[i]!), (loc as number[]).map((m, i) => m + 200 * (scale as number[])[i]!)],
  },
  {
    name: 'Gamma',
    parameters: fc.record({ concentration: vector(2, 1.2, 6), rate: vector(2, 0.5, 3) }),
    create: ({ concentration, rate }) => new Gamma({ concentration: concentration!, rate: rate! }),
    normalisation: 'continuous',
    integrationRange: (_d, { concentration, rate }) => [[0, 0], (concentration as number[]).map((a, i) => (a + 12 * Math.sqrt(a)) / (rate as number[])[i]!)],
  },
  {
    name: 'Beta',
    parameters: fc.record({ concentration1: vector(2, 1.2, 6), concentration0: vector(2, 1.2, 6) }),
    create: ({ concentration1, concentration0 }) => new Beta({ concentration1: concentration1!, concentration0: concentration0! }),
    normalisation: 'continuous',
    integrationRange: () => [[0, 0], [1, 1]],
  },
  {
    name: 'Dirichlet',
    parameters: fc.record({ concentration: matrix(2, 3, 0.5, 5) }),
    create: ({ concentration }) => new Dirichlet({ concentration: concentration! }),
    normalisation: 'skip',
  },
  {
    name: 'Exponential',
    parameters: fc.record({ rate: vector(2, 0.3, 4) }),
    create: ({ rate }) => new Exponential({ rate: rate! }),
    normalisation: 'continuous',
    integrationRange: (_d, { rate }) => [[0, 0], (rate as number[]).map((r) => 40 / r)],
  },
  {
    name: 'Laplace',
    parameters: fc.record({ loc: vector(2, -5, 5), scale: vector(2, 0.2, 4) }),
    create: ({ loc, scale }) => new Laplace({ loc: loc!, scale: scale! }),
    normalisation: 'continuous',
  },
  {
    name: 'LogNormal',
    parameters: fc.record({ loc: vector(2, -1, 1), scale: vector(2, 0.2, 0.6) }),
    create: ({ loc, scale }) => new LogNormal({ loc: loc!, scale: scale! }),
    normalisation: 'continuous',
    // Up to 7 sd of log x: a finer grid near the mode than the default ±12 sd would give.
    integrationRange: (_d, { loc, scale }) => [[1e-9, 1e-9], (loc as number[]).map((m, i) => Math.exp(m + 7 * (scale as number[])[i]!))],
  },
  {
    name: 'TransformedDistribution(Normal, Exp)',
    parameters: fc.record({ loc: vector(2, -1, 1), scale: vector(2, 0.2, 0.6) }),
    create: ({ loc, scale }) => new TransformedDistribution(new Normal({ loc: loc!, scale: scale! }), new Exp()),
    normalisation: 'continuous',
    integrationRange: (_d, { loc, scale }) => [[1e-9, 1e-9], (loc as number[]).map((m, i) => Math.exp(m + 7 * (scale as number[])[i]!))],
  },
  {
    name: 'TransformedDistribution(Normal, Sigmoid)',
    parameters: fc.record({ loc: vector(2, -1, 1), scale: vector(2, 0.3, 1.5) }),
    create: ({ loc, scale }) => new TransformedDistribution(new Normal({ loc: loc!, scale: scale! }), new Sigmoid()),
    normalisation: 'continuous',
    integrationRange: () => [[1e-7, 1e-7], [1 - 1e-7, 1 - 1e-7]],
  },
  {
    name: 'TransformedDistribution(MultivariateNormalDiag, Chain)',
    parameters: fc.record({ loc: matrix(2, 2, -1, 1), scaleDiag: matrix(2, 2, 0.3, 2) }),
    create: ({ loc, scaleDiag }) => new TransformedDistribution(new MultivariateNormalDiag({ loc: loc!, scaleDiag: scaleDiag! }), new Chain([new Tanh(), new Permute([1, 0])])),
    normalisation: 'skip',
  },
  {
    name: 'HalfNormal',
    parameters: fc.record({ scale: vector(2, 0.2, 4) }),
    create: ({ scale }) => new HalfNormal({ scale: scale! }),
    normalisation: 'continuous',
    integrationRange: (_d, { scale }) => [[0, 0], (scale as number[]).map((s) => 12 * s)],
  },
  {
    name: 'Cauchy',
    parameters: fc.record({ loc: vector(2, -5, 5), scale: vector(2, 0.2, 2) }),
    create: ({ loc, scale }) => new Cauchy({ loc: loc!, scale: scale! }),
    // The tails beyond ±600 scales hold 1.1e-3 of the mass: inside the kit's 2e-3.
    normalisation: 'continuous',
    integrationRange: (_d, { loc, scale }) => [(loc as number[]).map((m, i) => m - 600 * (scale as number[])[i]!), (loc as number[]).map((m, i) => m + 600 * (scale as number[])[i]!)],
  },
  {
    name: 'Normal',
    parameters: fc.record({ loc: vector(2, -5, 5), scale: vector(2, 0.1, 4) }),
    create: ({ loc, scale }) => new Normal({ loc: loc!, scale: scale! }),
    normalisation: 'continuous',
  },
  {
    name: 'Uniform',
    parameters: fc.array(fc.tuple(real(-3, 3), real(0.5, 4)), { minLength: 2, maxLength: 2 }).map((pairs) => ({
      low: pairs.map(([low]) => low),
      high: pairs.map(([low, width]) => low + width),
    })),
    create: ({ low, high }) => new Uniform({ low: low!, high: high! }),
    normalisation: 'continuous',
    integrationRange: (_d, { low, high }) => [low as number[], high as number[]],
  },
  {
    name: 'Bernoulli',
    parameters: fc.record({ logits: vector(3, -4, 4) }),
    create: ({ logits }) => new Bernoulli({ logits: logits! }),
    normalisation: 'discrete',
    supportValues: () => [0, 1],
  },
  {
    name: 'Categorical',
    parameters: fc.record({ logits: matrix(2, 4, -3, 3) }),
    create: ({ logits }) => new Categorical({ logits: logits! }),
    normalisation: 'discrete',
    supportValues: () => [0, 1, 2, 3],
  },
  {
    name: 'Independent(Normal)',
    parameters: fc.record({ loc: matrix(2, 3, -5, 5), scale: matrix(2, 3, 0.1, 4) }),
    create: ({ loc, scale }) => new Independent(new Normal({ loc: loc!, scale: scale! }), 1),
    normalisation: 'skip',
  },
  {
    name: 'MultivariateNormalDiag',
    parameters: fc.record({ loc: matrix(2, 3, -5, 5), scaleDiag: matrix(2, 3, 0.1, 4) }),
    create: ({ loc, scaleDiag }) => new MultivariateNormalDiag({ loc: loc!, scaleDiag: scaleDiag! }),
    normalisation: 'skip',
  },
  {
    name: 'MultivariateNormalTriL',
    // L = [[a, 0, 0], [b, c, 0], [d, e, f]] with a positive diagonal.
    parameters: fc
      .record({ loc: vector(3, -5, 5), diagonal: vector(3, 0.3, 3), below: vector(3, -2, 2) })
      .map(({ loc, diagonal: [a, c, f], below: [b, d, e] }) => ({ loc, scaleTril: [[a!, 0, 0], [b!, c!, 0], [d!, e!, f!]] })),
    create: ({ loc, scaleTril }) => new MultivariateNormalTriL({ loc: loc!, scaleTril: scaleTril! }),
    normalisation: 'skip',
  },
  {
    name: 'MixtureSameFamily(Categorical, Normal)',
    parameters: fc.record({ logits: matrix(2, 3, -2, 2), loc: matrix(2, 3, -4, 4), scale: matrix(2, 3, 0.3, 2) }),
    create: ({ logits, loc, scale }) =>
      new MixtureSameFamily({ mixture: new Categorical({ logits: logits! }), components: new Normal({ loc: loc!, scale: scale! }) }),
    normalisation: 'continuous',
  },
];

// Count draws cost a hundred kernels per rejection round (half a minute per backend at the default
// 20,000 draws); poisson-binomial.test.ts checks them against the mass function with χ².
const FEWER_DRAWS = new Set(['Poisson', 'Binomial']);

// WebGPU here is Dawn on lavapipe, which emulates the GPU on the CPU at ~10x the cost per kernel: two parameter
// draws per property there (four on cpu and wasm) run the same kernels, for half of the suite's longest file.
describeEachBackend('conformance', (backend) => {
  for (const family of FAMILIES) {
    describe(family.name, () => {
      const options = { numRuns: backend === 'webgpu' ? 2 : 4, seed: 3, ...(FEWER_DRAWS.has(family.name) ? { numSamples: 5000 } : {}) };
      for (const [name, check] of Object.entries(conformanceChecks(family, options))) it(name, check);
    });
  }
});
