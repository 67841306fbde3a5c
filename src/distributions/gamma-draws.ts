import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { elementwiseInChunks } from '../math/elementwise-in-chunks';
import { gammaShapeDerivative } from '../math/gamma-shape-derivative';
import { gammaLogDensity, igammaGradA } from '../math/igamma';
import { randomNormal, randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { inChunks } from './in-chunks';
import { rejectInRounds } from './reject-in-rounds';
import { sizeOf, sumToShape } from './shapes';

// Marsaglia–Tsang accepts at least 95% of proposals for shapes ≥ 1: after 10 rounds a draw is
// still pending with probability below 1e-13, and then takes the last proposal's value.
const ROUNDS = 10;
// The smallest normal float32: draws for tiny shapes underflow towards 0, where log x is −∞.
const TINY = 2 ** -126;

/** Gamma(α, 1) draws of shape `[n, ...α.shape]`, without gradients (Marsaglia & Tsang 2000, boosted below 1). */
function standardGammaDraws(alpha: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  return tf.tidy(() => inChunks(n, sizeOf(alpha.shape), seed, (m, chunkSeed) => marsagliaTsang(alpha, m, chunkSeed)));
}

/** Marsaglia–Tsang's rejection in rounds ({@link rejectInRounds}), boosted below a shape of 1. */
export function marsagliaTsang(alpha: tf.Tensor, n: number, seed: Seed, onHost = onHostBackend()): tf.Tensor {
  return tf.tidy(() => {
    const [normalSeed, uniformSeed, boostSeed] = splitSeed(seed, 3) as [Seed, Seed, Seed];
    const [normals, uniforms] = [splitSeed(normalSeed, ROUNDS), splitSeed(uniformSeed, ROUNDS)];
    const shape = [n, ...alpha.shape];
    const a = tf.add(alpha, tf.zeros(shape));
    const draw = rejectInRounds(
      {
        parameters: [a],
        rounds: ROUNDS,
        randoms: (r, count) => [randomNormal([count], { seed: normals[r] }), randomUniform([count], { seed: uniforms[r] })],
        propose: ([shapes], [x, u]) => propose(shapes as tf.Tensor, x as tf.Tensor, u as tf.Tensor),
      },
      onHost,
    );
    // Below 1: Gamma(α) = Gamma(α + 1) · U^{1/α}, in log space.
    const boost = tf.div(tf.log(randomUniform(shape, { seed: boostSeed, low: TINY })), a);
    const logDraw = tf.add(tf.log(draw), tf.where(tf.less(a, 1), boost, tf.zerosLike(boost)));
    return tf.maximum(tf.exp(logDraw), TINY);
  });
}

/** A proposal d·v for each shape in `a` (boosted by 1 below 1) from the normal x and the uniform u, and whether it is accepted. */
function propose(a: tf.Tensor, x: tf.Tensor, u: tf.Tensor): { value: tf.Tensor; accept: tf.Tensor } {
  const boosted = tf.where(tf.less(a, 1), tf.add(a, 1), a);
  const d = tf.sub(boosted, 1 / 3);
  const c = tf.div(1 / 3, tf.sqrt(d));
  const t = tf.add(1, tf.mul(c, x));
  const cube = tf.mul(t, tf.square(t)); // not tf.pow: WGSL's pow is undefined for a negative base
  const positive = tf.greater(cube, 0);
  const v = tf.where(positive, cube, tf.onesLike(cube));
  const accept = tf.logicalAnd(positive, tf.less(tf.log(u), tf.add(tf.mul(tf.square(x), 0.5), tf.mul(d, tf.add(tf.sub(1, v), tf.log(v))))));
  return { value: tf.mul(d, v), accept };
}

/**
 * Gamma(α, 1) draws `[n, ...α.shape]` whose gradient in α is the implicit
 * reparameterisation (Figurnov et al. 2018): dz/dα = −(∂F/∂α)(z; α) / p(z; α)
 * with F the Gamma cdf — the derivative of the draw's quantile at fixed
 * probability. Beta and Dirichlet draws are built from these.
 */
export function standardGamma(alpha: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  const op = tf.customGrad((...args) => {
    const [a, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const z = standardGammaDraws(a, n, seed);
    save([a, z]);
    return {
      value: z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sz] = saved as [tf.Tensor, tf.Tensor];
        const full = tf.add(sa, tf.zeros(sz.shape));
        // Where tensors live in host memory, each element sums only the terms it needs (about 20x faster
        // on wasm); on a GPU, in chunks: the series and fraction hold hundreds of tensors of this size.
        const dzda = onHostBackend()
          ? tf.tensor(gammaShapeDerivative(full.dataSync(), sz.dataSync()), sz.shape)
          : elementwiseInChunks((a, z) => tf.neg(tf.div(igammaGradA(a, z), tf.exp(gammaLogDensity(a, z)))), full, sz);
        return sumToShape(tf.mul(dy, dzda), sa.shape);
      },
    };
  });
  return op(alpha);
}
