import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  ActNorm,
  AffineAutoregressive,
  AffineCoupling,
  Chain,
  Exp,
  Invert,
  LULinear,
  Permute,
  Reverse,
  Scale,
  Shift,
  Sigmoid,
  Softplus,
  SplineAutoregressive,
  SplineCoupling,
  Tanh,
  type Bijector,
} from 'latent';
import { describeEachBackend, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

// Every bijector against automatic differentiation: log |det ∂f/∂z| from the Jacobian that tf.grad
// builds row by row (determinant in float64 on the host), relative 1e-4 (+1e-4 absolute); and
// inverse(forward(z)) = z within 1e-4 — spline inputs reaching far into the identity tails.

/** Randomises every variable (a trained-looking bijector, not the identity it starts as). */
function randomise(b: Bijector, seed: number, scale = 0.3): void {
  b.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', seed + i), scale))));
}

interface Case {
  name: string;
  dim: number;
  make: (seed: number) => Bijector;
  /** Inputs inside the domain of `inverse` when the forward map has a bounded range. */
  range?: number;
}

const CASES: Case[] = [
  { name: 'Shift', dim: 3, make: () => new Shift([0.5, -1, 2]) },
  { name: 'Scale', dim: 3, make: () => new Scale([0.5, -1.5, 2]) },
  { name: 'Exp', dim: 2, make: () => new Exp() },
  { name: 'Softplus', dim: 2, make: () => new Softplus() },
  { name: 'Sigmoid', dim: 2, make: () => new Sigmoid() },
  { name: 'Tanh', dim: 2, make: () => new Tanh() },
  { name: 'Permute', dim: 4, make: () => new Permute([2, 0, 3, 1]) },
  { name: 'Reverse', dim: 3, make: () => new Reverse() },
  { name: 'LULinear', dim: 4, make: (seed) => new LULinear({ dim: 4, seed }) },
  { name: 'ActNorm', dim: 3, make: () => new ActNorm({ dim: 3 }) },
  { name: 'AffineCoupling', dim: 5, make: (seed) => new AffineCoupling({ dim: 5, hiddenSizes: [8], seed }) },
  { name: 'AffineCoupling with context', dim: 3, make: (seed) => new AffineCoupling({ dim: 3, hiddenSizes: [8], contextSize: 2, seed }) },
  { name: 'AffineAutoregressive', dim: 4, make: (seed) => new AffineAutoregressive({ dim: 4, hiddenSizes: [12, 12], seed }) },
  { name: 'Invert(AffineAutoregressive)', dim: 3, make: (seed) => new Invert(new AffineAutoregressive({ dim: 3, hiddenSizes: [9], seed })) },
  { name: 'SplineCoupling', dim: 4, make: (seed) => new SplineCoupling({ dim: 4, hiddenSizes: [8], bins: 5, tailBound: 2, seed }) },
  { name: 'SplineAutoregressive', dim: 3, make: (seed) => new SplineAutoregressive({ dim: 3, hiddenSizes: [9], bins: 4, tailBound: 2, contextSize: 1, seed }) },
  {
    name: 'Chain',
    dim: 3,
    make: (seed) => new Chain([new AffineCoupling({ dim: 3, hiddenSizes: [6], seed }), new Reverse(), new LULinear({ dim: 3, seed: seed + 1 }), new Tanh()]),
  },
];

/** log |det J| per row of z [N, D] for x = f(z), by automatic differentiation, in float64. */
async function autodiffLogDet(f: (z: tf.Tensor) => tf.Tensor, z: tf.Tensor): Promise<number[]> {
  const [n, d] = z.shape as [number, number];
  const rows: number[][] = [];
  for (let i = 0; i < d; i++) {
    const g = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(f(input), [0, i], [n, 1])))(z);
    rows.push(await values(g)); // ∂x_i/∂z for every row: J[row, i, :]
  }
  return Array.from({ length: n }, (_, r) => {
    const jacobian = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (rows[i] as number[])[r * d + j] as number));
    return logAbsDet(jacobian);
  });
}

function logAbsDet(m: number[][]): number {
  const a = m.map((row) => [...row]);
  const d = a.length;
  let total = 0;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    total += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < d; r++) {
      const factor = a[r]![c]! / pivot;
      for (let k = c; k < d; k++) a[r]![k]! -= factor * a[c]![k]!;
    }
  }
  return total;
}

describeEachBackend('bijector laws', () => {
  for (const c of CASES) {
    it(`${c.name}: log-det equals the Jacobian's, inverse(forward(z)) = z`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.3, max: 3, noNaN: true }), async (seed, spread) => {
          const b = c.make(seed);
          try {
            if (b instanceof ActNorm) b.initialize(tf.tidy(() => tf.add(tf.mul(tf.randomNormal([20, c.dim], 0, 1, 'float32', seed), 2), 1)));
            else randomise(b, seed);
            const context = b.contextSize > 0 ? tf.randomNormal([6, b.contextSize], 0, 1, 'float32', seed + 7) : undefined;
            const z = tf.mul(tf.randomNormal([6, c.dim], 0, 1, 'float32', seed + 3), spread);
            const { value: x, logDet } = b.forwardAndLogDet(z, context);
            expect(x.shape).toEqual([6, c.dim]);
            const expectedEvent = b.eventNdims === 0 ? [6, c.dim] : [6];
            expect(logDet.shape).toEqual(expectedEvent);
            const perRow = b.eventNdims === 0 ? tf.sum(logDet, -1) : logDet.clone();
            const actual = await values(perRow);
            logDet.dispose();
            const expected = await autodiffLogDet((input) => b.forward(input, context), z);
            actual.forEach((a, i) => expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(expected[i] as number)));
            const { value: back, logDet: inverseLogDet } = b.inverseAndLogDet(x, context);
            const [zs, backs] = [await values(z.clone()), await values(back)];
            zs.forEach((v, i) => expect(Math.abs((backs[i] as number) - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
            const inverseRow = await values(b.eventNdims === 0 ? tf.sum(inverseLogDet, -1) : inverseLogDet.clone());
            inverseLogDet.dispose();
            inverseRow.forEach((v, i) => expect(Math.abs(v + (actual[i] as number))).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
            tf.dispose([z, x, context]);
          } finally {
            b.dispose();
          }
        }),
        { numRuns: 4, seed: 11 },
      );
    });
  }

  it('spline inputs entirely in the tails pass unchanged with log-det 0', async () => {
    const b = new SplineCoupling({ dim: 2, hiddenSizes: [8], bins: 6, tailBound: 2, seed: 3 });
    randomise(b, 3);
    const z = tf.tensor2d([[5, -7], [-3, 2.5], [1, 40]]);
    const { value, logDet } = b.forwardAndLogDet(z);
    expect(await values(value)).toEqual([5, -7, -3, 2.5, 1, 40]);
    expect(await values(logDet)).toEqual([0, 0, 0]);
    tf.dispose([z]);
    b.dispose();
  });

  it('bijectors with batch axes: [S, B, D] in, [S, B] log-det out; no tensor leaks', async () => {
    const b = new Chain([new SplineCoupling({ dim: 3, hiddenSizes: [8], seed: 1 }), new Reverse(), new AffineAutoregressive({ dim: 3, hiddenSizes: [8], seed: 2 })]);
    randomise(b, 1);
    const z = tf.randomNormal([4, 5, 3], 0, 1, 'float32', 1);
    await expectNoLeak(() => {
      const { value, logDet } = b.forwardAndLogDet(z);
      expect(value.shape).toEqual([4, 5, 3]);
      expect(logDet.shape).toEqual([4, 5]);
      return [value, logDet];
    }, { warmup: 1 });
    z.dispose();
    b.dispose();
  });
});
