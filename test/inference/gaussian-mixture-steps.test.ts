import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { precisionCholeskyOnHost } from '../../src/inference/gaussian-mixture-host-cholesky';
import { normalizeLogWeights } from '../../src/inference/gaussian-mixture-normalize';

// The E-step's normalisation against float64 log-sum-exp: rows spanning 0 to −1000 (terms that
// underflow), a −Infinity entry (a zero weight) and a row of only −Infinity. Responsibilities to
// 1e-6 absolute (wasm's σ(t)/(1 − σ(t)) for exp is within 3e-7 relative), log p(x) to 1e-6 relative.
const ROWS = [
  [0, -1, -2, -3],
  [-1000, -999.5, -1003, -2000],
  [5, -Infinity, 4.5, -80],
  [-Infinity, -Infinity, -Infinity, -Infinity],
  [30, 30, 30, 30],
];

function reference(row: number[]): { resp: number[]; lse: number } {
  const m = Math.max(...row);
  if (m === -Infinity) return { resp: row.map(() => NaN), lse: -Infinity };
  const total = row.reduce((s, v) => s + Math.exp(v - m), 0);
  return { resp: row.map((v) => Math.exp(v - m) / total), lse: m + Math.log(total) };
}

describeEachBackend('normalizeLogWeights', () => {
  it('gives softmax responsibilities and log-sum-exp per row, as float64 does', async () => {
    const w = tf.tensor2d(ROWS);
    const { responsibilities, logProbNorm } = normalizeLogWeights(w);
    const resp = await values(responsibilities);
    const lse = await values(logProbNorm);
    for (let i = 0; i < ROWS.length - 2; i++) {
      const ref = reference(ROWS[i] as number[]);
      expectClose(resp.slice(i * 4, i * 4 + 4), ref.resp, { atol: 1e-6 });
      expectClose([lse[i] as number], [ref.lse], { rtol: 1e-6 });
    }
    expect(lse[3]).toBe(-Infinity);
    expectClose(resp.slice(16), [0.25, 0.25, 0.25, 0.25], { atol: 1e-7 });
    expectClose([lse[4] as number], [30 + Math.log(4)], { rtol: 1e-6 });
    tf.dispose([w, responsibilities, logProbNorm]);
  });
});

describe('precisionCholeskyOnHost', () => {
  it('gives the upper-triangular P with Pᵀ Σ P = I for every matrix, NaN for one not positive definite', () => {
    const d = 3;
    // Σ = A Aᵀ + I for a fixed A, then a matrix with a negative eigenvalue.
    const a = [1, 2, 0, -1, 0.5, 3, 0.2, -0.7, 1.5];
    const sigma = Array.from({ length: d * d }, (_, ij) => {
      const [i, j] = [Math.floor(ij / d), ij % d];
      let s = i === j ? 1 : 0;
      for (let k = 0; k < d; k++) s += (a[i * d + k] as number) * (a[j * d + k] as number);
      return s;
    });
    const indefinite = [1, 2, 0, 2, 1, 0, 0, 0, 1];
    const out = precisionCholeskyOnHost([...sigma, ...indefinite], 2, d);
    const p = (i: number, j: number) => out[i * d + j] as number;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        if (i > j) expect(p(i, j)).toBe(0);
        let s = 0;
        for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) s += p(k, i) * (sigma[k * d + l] as number) * p(l, j);
        expect(s).toBeCloseTo(i === j ? 1 : 0, 5); // float32 output: 1e-6 relative per entry
      }
    }
    expect(Array.from(out.subarray(d * d)).every(Number.isNaN)).toBe(true);
    expect(Array.from(precisionCholeskyOnHost([4, 0, 0, 1], 1, 2))).toEqual([0.5, 0, 0, 1]);
  });
});
