// Value and gradient of every differentiable math function of latent at fixed inputs,
// run in the page and in Node (cpu) by test/browser/run.mjs, which compares them: every op
// the library uses must have forward and gradient kernels on every backend.
const X = [-3, -0.5, -1e-3, 2e-3, 0.7, 4];
const NEGATIVE = [-5, -1, -0.1, -1e-4];
const MATRIX = [0.9, 5, 7, 0.3, 1.2, 8, -0.4, 0.6, 1.5];

function lower(tf, latent, x) {
  const a = latent.tril(tf.reshape(x, [3, 3]));
  return tf.add(a, latent.matrixDiag(tf.onesLike(latent.matrixDiagPart(a))));
}

function covariance(tf, latent, x) {
  const l = lower(tf, latent, x);
  return tf.matMul(l, latent.matrixTranspose(l));
}

export async function gradientsOfEveryFunction(tf, latent) {
  const cases = {
    logSumExp: [X, (x) => latent.logSumExp(tf.reshape(x, [2, 3]), 1)],
    logMeanExp: [X, (x) => latent.logMeanExp(x)],
    log1p: [X.map(Math.abs), (x) => latent.log1p(x)],
    expm1: [X, (x) => latent.expm1(x)],
    softplus: [X, (x) => latent.softplus(x)],
    log1mExp: [NEGATIVE, (x) => latent.log1mExp(x)],
    sum: [X, (x) => latent.sum(tf.tile(x, [100]))],
    gather: [X, (x) => latent.gather(x, tf.tensor1d([5, 0, 0], 'int32'))],
    stopGradient: [X, (x) => tf.mul(x, latent.stopGradient(x))],
    ndtri: [[1e-30, 0.01, 0.3, 0.5, 0.9], (x) => latent.ndtri(x)],
    // L = tril(A) with a lifted diagonal: cholesky(L Lᵀ) = L, and a solve with it.
    cholesky: [MATRIX, (x) => latent.cholesky(covariance(tf, latent, x))],
    triangularSolve: [MATRIX, (x) => latent.triangularSolve(lower(tf, latent, x), tf.tensor2d([[1], [2], [3]]))],
    matrixDiag: [X.slice(0, 3), (x) => latent.matrixDiag(x)],
  };
  const out = {};
  for (const [name, [input, f]] of Object.entries(cases)) {
    const x = tf.tensor1d(input);
    const value = f(x);
    const grad = tf.grad((t) => tf.sum(f(t)))(x);
    out[name] = { value: Array.from(await value.data()), grad: Array.from(await grad.data()) };
    tf.dispose([x, value, grad]);
  }
  return out;
}
