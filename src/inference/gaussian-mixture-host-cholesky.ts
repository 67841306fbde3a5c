/**
 * scikit-learn's `_compute_precision_cholesky` for a batch of small
 * covariance matrices, on the host in float64: (L⁻¹)ᵀ with L the lower
 * Cholesky factor of each matrix. An M-step of a full or tied mixture reads
 * its K·D² covariances back anyway (with its accuracy check); factorising
 * them here takes one upload instead of ~150 tiny kernels (~30 µs each on
 * wasm, more on webgpu), and float64 is closer to scikit-learn's numbers.
 * A matrix that is not positive definite gives NaN throughout.
 *
 * @param values - `m` row-major D×D matrices, back to back.
 * @param m - how many matrices.
 * @param d - their dimension D.
 * @returns the `m` factors, row-major, as float32.
 *
 * @example
 * ```ts
 * precisionCholeskyOnHost([4, 0, 0, 1], 1, 2); // Float32Array [0.5, 0, 0, 1]
 * ```
 */
export function precisionCholeskyOnHost(values: ArrayLike<number>, m: number, d: number): Float32Array {
  const out = new Float32Array(m * d * d);
  const l = new Float64Array(d * d);
  const inverse = new Float64Array(d * d);
  for (let b = 0; b < m; b++) {
    const a = b * d * d;
    let definite = true;
    l.fill(0);
    for (let j = 0; j < d && definite; j++) {
      let s = values[a + j * d + j] as number;
      for (let k = 0; k < j; k++) s -= (l[j * d + k] as number) ** 2;
      if (!(s > 0)) definite = false;
      const pivot = Math.sqrt(s);
      l[j * d + j] = pivot;
      for (let i = j + 1; i < d; i++) {
        let t = values[a + i * d + j] as number;
        for (let k = 0; k < j; k++) t -= (l[i * d + k] as number) * (l[j * d + k] as number);
        l[i * d + j] = t / pivot;
      }
    }
    if (!definite) {
      out.fill(NaN, a, a + d * d);
      continue;
    }
    // L⁻¹ by forward substitution, one column of the identity at a time.
    inverse.fill(0);
    for (let c = 0; c < d; c++) {
      for (let i = c; i < d; i++) {
        let t = i === c ? 1 : 0;
        for (let k = c; k < i; k++) t -= (l[i * d + k] as number) * (inverse[k * d + c] as number);
        inverse[i * d + c] = t / (l[i * d + i] as number);
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[a + i * d + j] = inverse[j * d + i] as number;
  }
  return out;
}
