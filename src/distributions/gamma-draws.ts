import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { elementwiseInChunks } from '../math/elementwise-in-chunks';
import { gammaShapeGradient } from '../math/gamma-shape-derivative';
import { gammaLogDensity, igammaGradA } from '../math/igamma';
import { randomNormal, randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { inChunks } from './in-chunks';
import { rejectInRounds, type RejectionRounds } from './reject-in-rounds';
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
    const small = tf.less(alpha, 1);
    const d = tf.sub(tf.where(small, tf.add(alpha, 1), alpha), 1 / 3);
    const c = tf.div(1 / 3, tf.sqrt(d));
    const draw = rejectInRounds(
      {
        shape,
        parameters: () => [tf.broadcastTo(d, shape), tf.broadcastTo(c, shape)],
        rounds: ROUNDS,
        randoms: (r, count) => [randomNormal([count], { seed: normals[r] }), randomUniform([count], { seed: uniforms[r] })],
        propose: ([d, c], [x, u]) => propose(d as tf.Tensor, c as tf.Tensor, x as tf.Tensor, u as tf.Tensor),
        proposeRound: onHost ? marsagliaTsangRound(d.dataSync() as Float32Array, c.dataSync() as Float32Array) : undefined,
      },
      onHost,
    );
    const floored = tf.maximum(draw, TINY);
    // The host skips the boost's uniforms where no shape needs them (their stream is their own).
    if (onHost && !small.dataSync().some((s) => s !== 0)) return floored;
    // Below 1: Gamma(α) = Gamma(α + 1) · U^{1/α}, in log space.
    const boost = tf.div(tf.log(randomUniform(shape, { seed: boostSeed, low: TINY })), alpha);
    return tf.where(tf.broadcastTo(small, shape), tf.maximum(tf.exp(tf.add(tf.log(draw), boost)), TINY), floored);
  });
}

/** A proposal d·v from the normal x and the uniform u, and whether it is accepted. */
function propose(d: tf.Tensor, c: tf.Tensor, x: tf.Tensor, u: tf.Tensor): { value: tf.Tensor; accept: tf.Tensor } {
  const t = tf.add(1, tf.mul(c, x));
  const cube = tf.mul(t, tf.square(t)); // not tf.pow: WGSL's pow is undefined for a negative base
  const positive = tf.greater(cube, 0);
  const v = tf.where(positive, cube, tf.onesLike(cube));
  const accept = tf.logicalAnd(positive, tf.less(tf.log(u), tf.add(tf.mul(tf.square(x), 0.5), tf.mul(d, tf.add(tf.sub(1, v), tf.log(v))))));
  return { value: tf.mul(d, v), accept };
}

const f32 = Math.fround;

/**
 * `propose` as a round on the host ({@link RejectionRounds.proposeRound}), in
 * float32 operation for operation as the kernels compute it, so the draws are
 * theirs. Marsaglia and Tsang's squeeze u < 1 − 0.0331 x⁴ skips the two logs
 * for most proposals; it is taken only with a margin of 1e-5 (1 + d) in
 * log u, ten times the float32 test's error measured for |x| < 2.34 and d
 * from ⅔ to 1e5, so it never accepts a proposal the kernels reject.
 */
function marsagliaTsangRound(d: Float32Array, c: Float32Array): NonNullable<RejectionRounds['proposeRound']> {
  const squeeze = new Float64Array(d.length).map((_, b) => 1 - 1e-5 * (1 + (d[b] as number)));
  return ([x, u], pending, draw, last) => proposeOnHost(d, c, squeeze, x as Float32Array, u as Float32Array, pending, draw, last);
}

function proposeOnHost(d: Float32Array, c: Float32Array, squeeze: Float64Array, x: Float32Array, u: Float32Array, pending: Int32Array, draw: Float32Array, last: boolean): number {
  let still = 0;
  for (let j = 0; j < pending.length; j++) {
    const i = pending[j] as number;
    const b = i % d.length;
    const xj = x[j] as number;
    const dj = d[b] as number;
    const t = f32(1 + f32((c[b] as number) * xj));
    const cube = f32(t * f32(t * t));
    const x2 = f32(xj * xj);
    const uj = u[j] as number;
    if (cube > 0 && (uj < (1 - 0.0331 * x2 * x2) * (squeeze[b] as number) || last || f32(Math.log(uj)) < f32(f32(x2 * 0.5) + f32(dj * f32(f32(1 - cube) + f32(Math.log(cube))))))) {
      draw[i] = f32(dj * cube);
    } else if (last) {
      draw[i] = dj; // d · 1: the kernels' proposal where the cube is not positive
    } else {
      pending[still++] = i;
    }
  }
  return still;
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
        // Where tensors live in host memory, each draw sums only the terms it needs, or interpolates
        // (many draws of one shape); on a GPU, in chunks: the series and fraction hold hundreds of
        // tensors of this size.
        if (onHostBackend()) return tf.tensor(gammaShapeGradient(...([sa, sz, dy].map((t) => t.dataSync()) as [Float32Array, Float32Array, Float32Array])), sa.shape);
        const full = tf.add(sa, tf.zeros(sz.shape));
        const dzda = elementwiseInChunks((a, z) => tf.neg(tf.div(igammaGradA(a, z), tf.exp(gammaLogDensity(a, z)))), full, sz);
        return sumToShape(tf.mul(dy, dzda), sa.shape);
      },
    };
  });
  return op(alpha);
}
