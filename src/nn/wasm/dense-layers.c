// Dense layers' forward and backward passes in WebAssembly SIMD, for the cpu
// and wasm backends (src/nn/dense-layers-on-host.ts). Build: `npm run build:wasm`
// (clang 14+, wasm32, -msimd128), which writes dense-layers.generated.ts.
// Row-major float32 throughout; sums run over the inner index in increasing
// order, as tfjs-backend-wasm's matMul does.
#include <wasm_simd128.h>

#define F32X4_MAC(acc, x, y) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, y))

// Stores the first min(count, 4) lanes of v at c.
static inline void store_first(float* c, v128_t v, int count) {
  if (count >= 4) {
    wasm_v128_store(c, v);
    return;
  }
  wasm_v128_store32_lane(c, v, 0);
  if (count > 1) wasm_v128_store32_lane(c + 1, v, 1);
  if (count > 2) wasm_v128_store32_lane(c + 2, v, 2);
}

// c[m][n] = init[n] + Σ_p A(m, p)·b[p][n] for m < M, n < N, where A(m, p) is
// a[m·sam + p·sap] (so a transposed A costs nothing), b is K×N and c is M×N;
// init is a bias of N values, or 0 for zeros. Blocks of 4 rows × 8 columns
// keep 8 accumulators in registers; the edges take 4 columns or 1 row. The
// last columns of a row that is not a multiple of 4 wide are computed in
// full vectors too: their loads read up to 3 floats past the end of b and
// init (the caller leaves that room), whose lanes are never stored.
static void gemm(const float* a, int sam, int sap, const float* b, const float* init, float* c, int M, int K, int N) {
  int m = 0;
  for (; m + 4 <= M; m += 4) {
    const float* a0 = a + m * sam;
    const float* a1 = a0 + sam;
    const float* a2 = a1 + sam;
    const float* a3 = a2 + sam;
    int n = 0;
    for (; n + 8 <= N; n += 8) {
      v128_t i0 = init ? wasm_v128_load(init + n) : wasm_f32x4_splat(0.0f);
      v128_t i1 = init ? wasm_v128_load(init + n + 4) : wasm_f32x4_splat(0.0f);
      v128_t c00 = i0, c01 = i1, c10 = i0, c11 = i1, c20 = i0, c21 = i1, c30 = i0, c31 = i1;
      const float* bp = b + n;
      for (int p = 0, o = 0; p < K; p++, o += sap, bp += N) {
        v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
        v128_t x0 = wasm_f32x4_splat(a0[o]), x1 = wasm_f32x4_splat(a1[o]);
        v128_t x2 = wasm_f32x4_splat(a2[o]), x3 = wasm_f32x4_splat(a3[o]);
        F32X4_MAC(c00, x0, b0); F32X4_MAC(c01, x0, b1);
        F32X4_MAC(c10, x1, b0); F32X4_MAC(c11, x1, b1);
        F32X4_MAC(c20, x2, b0); F32X4_MAC(c21, x2, b1);
        F32X4_MAC(c30, x3, b0); F32X4_MAC(c31, x3, b1);
      }
      float* cp = c + m * N + n;
      wasm_v128_store(cp, c00); wasm_v128_store(cp + 4, c01); cp += N;
      wasm_v128_store(cp, c10); wasm_v128_store(cp + 4, c11); cp += N;
      wasm_v128_store(cp, c20); wasm_v128_store(cp + 4, c21); cp += N;
      wasm_v128_store(cp, c30); wasm_v128_store(cp + 4, c31);
    }
    for (; n < N; n += 4) {
      v128_t i0 = init ? wasm_v128_load(init + n) : wasm_f32x4_splat(0.0f);
      v128_t c0 = i0, c1 = i0, c2 = i0, c3 = i0;
      const float* bp = b + n;
      for (int p = 0, o = 0; p < K; p++, o += sap, bp += N) {
        v128_t b0 = wasm_v128_load(bp);
        F32X4_MAC(c0, wasm_f32x4_splat(a0[o]), b0);
        F32X4_MAC(c1, wasm_f32x4_splat(a1[o]), b0);
        F32X4_MAC(c2, wasm_f32x4_splat(a2[o]), b0);
        F32X4_MAC(c3, wasm_f32x4_splat(a3[o]), b0);
      }
      float* cp = c + m * N + n;
      store_first(cp, c0, N - n); store_first(cp + N, c1, N - n); store_first(cp + 2 * N, c2, N - n); store_first(cp + 3 * N, c3, N - n);
    }
  }
  for (; m < M; m++) {
    const float* a0 = a + m * sam;
    int n = 0;
    for (; n + 8 <= N; n += 8) {
      v128_t c0 = init ? wasm_v128_load(init + n) : wasm_f32x4_splat(0.0f);
      v128_t c1 = init ? wasm_v128_load(init + n + 4) : wasm_f32x4_splat(0.0f);
      const float* bp = b + n;
      for (int p = 0, o = 0; p < K; p++, o += sap, bp += N) {
        v128_t x0 = wasm_f32x4_splat(a0[o]);
        F32X4_MAC(c0, x0, wasm_v128_load(bp));
        F32X4_MAC(c1, x0, wasm_v128_load(bp + 4));
      }
      wasm_v128_store(c + m * N + n, c0);
      wasm_v128_store(c + m * N + n + 4, c1);
    }
    for (; n < N; n += 4) {
      v128_t c0 = init ? wasm_v128_load(init + n) : wasm_f32x4_splat(0.0f);
      const float* bp = b + n;
      for (int p = 0, o = 0; p < K; p++, o += sap, bp += N) F32X4_MAC(c0, wasm_f32x4_splat(a0[o]), wasm_v128_load(bp));
      store_first(c + m * N + n, c0, N - n);
    }
  }
}

// out = f(in·w + bias): in rows×inSize, w inSize×outSize, out rows×outSize;
// f is relu when relu ≠ 0, else the identity.
__attribute__((export_name("dense_forward")))
void dense_forward(const float* in, const float* w, const float* bias, float* out, int rows, int inSize, int outSize, int relu) {
  gemm(in, inSize, 1, w, bias, out, rows, inSize, outSize);
  if (relu) {
    int size = rows * outSize, i = 0;
    for (; i + 4 <= size; i += 4) wasm_v128_store(out + i, wasm_f32x4_max(wasm_v128_load(out + i), wasm_f32x4_splat(0.0f)));
    for (; i < size; i++) out[i] = out[i] > 0.0f ? out[i] : 0.0f;
  }
}

// The backward pass of dense_forward, given dOut = ∂L/∂out and out itself:
// d = dOut ⊙ f′ (in place; relu′ = [out > 0]), dW = inᵀ·d, db = Σ_rows d and
// dIn = d·wᵀ (through wT, inSize·outSize floats of scratch).
__attribute__((export_name("dense_backward")))
void dense_backward(float* dOut, const float* out, const float* in, const float* w, float* dW, float* db, float* dIn, float* wT, int rows, int inSize, int outSize, int relu) {
  int size = rows * outSize;
  if (relu) {
    int i = 0;
    for (; i + 4 <= size; i += 4) {
      v128_t positive = wasm_f32x4_gt(wasm_v128_load(out + i), wasm_f32x4_splat(0.0f));
      wasm_v128_store(dOut + i, wasm_v128_and(wasm_v128_load(dOut + i), positive));
    }
    for (; i < size; i++) dOut[i] = out[i] > 0.0f ? dOut[i] : 0.0f;
  }
  gemm(in, 1, inSize, dOut, 0, dW, inSize, rows, outSize);
  for (int j = 0; j < outSize; j++) db[j] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float* d = dOut + r * outSize;
    for (int j = 0; j < outSize; j++) db[j] += d[j];
  }
  for (int i = 0; i < inSize; i++)
    for (int j = 0; j < outSize; j++) wT[j * inSize + i] = w[i * outSize + j];
  gemm(dOut, outSize, 1, wT, 0, dIn, rows, outSize, inSize);
}
