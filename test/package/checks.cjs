/**
 * Checks shared by the consumers of the packed `latent` (CommonJS, so that both
 * the ESM and the CJS consumers can load it). They take tfjs and latent's
 * exports as arguments: the consumers differ only in how they import them.
 * Any mismatch throws, which makes the consumer exit non-zero.
 */
'use strict';

const X = [1, -2, 3];
const RTOL = 1e-5; // relative tolerance; float32 carries ~7 significant digits

/**
 * f(x) = Σ_i [logSumExp(x) + (x_i > 0 ? softplus(x_i) : x_i)]; with n = x.length,
 * f'(x)_j = n·softmax(x)_j + (x_j > 0 ? sigmoid(x_j) : 1), computed here in float64.
 */
function expected(x) {
  const lse = Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
  const value = x.length * lse + x.reduce((s, v) => s + (v > 0 ? Math.log1p(Math.exp(v)) : v), 0);
  const grad = x.map((v) => x.length * Math.exp(v - lse) + (v > 0 ? 1 / (1 + Math.exp(-v)) : 1));
  return { value, grad };
}

function assertClose(what, got, want) {
  const ok = got.length === want.length && want.every((w, i) => Math.abs(got[i] - w) <= RTOL * Math.abs(w));
  if (!ok) throw new Error(`${what}: got [${Array.from(got)}], want [${want}] (relative tolerance ${RTOL})`);
}

/** The gradient of library functions through a comparison op (tf.greater + tf.where). */
async function checkGradient(tf, { logSumExp, softplus }) {
  const f = (x) => tf.sum(tf.add(logSumExp(x), tf.where(tf.greater(x, 0), softplus(x), x)));
  const x = tf.tensor1d(X);
  const want = expected(X);
  assertClose('f(x)', await f(x).data(), [want.value]);
  const grad = await tf.grad(f)(x).data();
  assertClose("f'(x)", grad, want.grad);
  return `f'([${X}]) = [${Array.from(grad, (v) => v.toFixed(6))}]`;
}

/** consumer.mjs / consumer.cjs: backend choice, gradient, error classes. */
async function checkConsumer(tf, latent) {
  const choice = await latent.initBackend();
  if (choice.backend !== 'wasm') throw new Error(`initBackend() chose ${JSON.stringify(choice)}, want wasm`);
  const gradient = await checkGradient(tf, latent);
  try {
    await latent.initBackend({ prefer: [] });
    throw new Error('initBackend({ prefer: [] }) did not throw');
  } catch (e) {
    if (!(e instanceof latent.ValidationError && e instanceof latent.LatentError)) throw e;
  }
  return `backend ${choice.backend}; ${gradient}; ValidationError instanceof LatentError`;
}

/** union.mjs: @tensorflow/tfjs's chained ops and gradients still work next to latent. */
async function checkUnion(tf, latent) {
  assertClose('tf.tensor([1, 2]).square() before initBackend', await tf.tensor([1, 2]).square().data(), [1, 4]);
  const { backend } = await latent.initBackend();
  assertClose('tf.tensor([1, 2]).square().add(1)', await tf.tensor([1, 2]).square().add(1).data(), [2, 5]);
  assertClose('tf.grad(x => x.pow(3).sum())', await tf.grad((x) => x.pow(3).sum())(tf.tensor([1, 2])).data(), [3, 12]);
  return `backend ${backend}; chained ops and tf.grad ok; ${await checkGradient(tf, latent)}`;
}

module.exports = { checkConsumer, checkUnion };
