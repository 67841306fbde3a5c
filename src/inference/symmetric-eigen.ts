/**
 * The eigen-decomposition of a small symmetric matrix in float64 plain JS, by
 * cyclic Jacobi rotations (tfjs has no eigendecomposition). Exact to float64
 * rounding whatever the gaps between eigenvalues, at O(d³) per sweep: meant
 * for the d × d covariance matrices of probabilistic PCA, not for large d.
 *
 * @param matrix - a symmetric `d × d` matrix as rows (only read).
 * @returns the eigenvalues in decreasing order and the matching unit
 *   eigenvectors as the columns of `vectors` (rows of `d` numbers).
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]); // values [3, 1]
 * ```
 */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const d = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  const get = (m: number[][], i: number, j: number) => (m[i] as number[])[j] as number;
  const set = (m: number[][], i: number, j: number, x: number) => {
    (m[i] as number[])[j] = x;
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += get(a, i, i) ** 2;
      for (let j = i + 1; j < d; j++) off += get(a, i, j) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = get(a, p, q);
        if (apq === 0) continue;
        // The rotation J (c at pp and qq, s at pq, −s at qp) with (JᵀAJ)_pq = 0.
        const theta = (get(a, q, q) - get(a, p, p)) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = get(a, k, p);
          const akq = get(a, k, q);
          set(a, k, p, c * akp - s * akq);
          set(a, k, q, s * akp + c * akq);
          const vkp = get(v, k, p);
          const vkq = get(v, k, q);
          set(v, k, p, c * vkp - s * vkq);
          set(v, k, q, s * vkp + c * vkq);
        }
        for (let k = 0; k < d; k++) {
          const apk = get(a, p, k);
          const aqk = get(a, q, k);
          set(a, p, k, c * apk - s * aqk);
          set(a, q, k, s * apk + c * aqk);
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => get(a, j, j) - get(a, i, i));
  return {
    values: order.map((i) => get(a, i, i)),
    vectors: v.map((row) => order.map((i) => row[i] as number)),
  };
}
