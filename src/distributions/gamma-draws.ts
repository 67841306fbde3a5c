import * as tf from '@tensorflow/tfjs-core';
import { elementwiseInChunks } from '../math/elementwise-in-chunks';
import { gammaShapeDerivative } from '../math/gamma-shape-derivative';
import { gammaLogDensity, igammaGradA } from '../math/igamma';
import { randomNormal, randomUniform } from '../random/sampling';
import { splitSeed, type Seed } from '../random/seed';
import { toFloat } from '../math/to-float';
import { inChunks } from './in-chunks';
import { sizeOf, sumToShape } from './shapes';

// Marsaglia–Tsang accepts at least 95% of proposals for shapes ≥ 1: after 10 rounds a draw is
// still pending with probability below 1e-13, and then takes the last proposal's value.
const ROUNDS = 10;
// The smallest normal float32: draws for tiny shapes underflow towards 0, where log x is −∞.
const TINY = 2 ** -126;
// Backends whose tensors live in host memory: reading them back costs a copy, not a device round trip.
const HOST_BACKENDS = ['cpu', 'wasm'];

/** Gamma(α, 1) draws of shape `[n, ...α.shape]`, without gradients (Marsaglia & Tsang 2000, boosted below 1). */
function standardGammaDraws(alpha: tf.Tensor, n: number, seed: Seed): tf.Tensor {
  return tf.tidy(() => inChunks(n, sizeOf(alpha.shape), seed, (m, chunkSeed) => marsagliaTsang(alpha, m, chunkSeed)));
}

/**
 * Rejection in rounds with a stream of normals and uniforms per round: round 0
 * proposes for every element, and round r's i-th numbers go to the i-th
 * element (in order) still pending. On the host only the pending elements are
 * drawn for (about 1.02 rounds of numbers in all); a GPU, which cannot read
 * which are pending, draws whole rounds and picks each element's numbers by
 * the running count of pending ones — the same numbers either way.
 */
export function marsagliaTsang(alpha: tf.Tensor, n: number, seed: Seed, onHost = HOST_BACKENDS.includes(tf.getBackend())): tf.Tensor {
  return tf.tidy(() => {
    const [normalSeed, uniformSeed, boostSeed] = splitSeed(seed, 3) as [Seed, Seed, Seed];
    const streams = { normal: splitSeed(normalSeed, ROUNDS), uniform: splitSeed(uniformSeed, ROUNDS) };
    const shape = [n, ...alpha.shape];
    const a = tf.add(alpha, tf.zeros(shape));
    const draw = onHost ? roundsOnHost(a, streams) : roundsOnDevice(a, streams);
    // Below 1: Gamma(α) = Gamma(α + 1) · U^{1/α}, in log space.
    const boost = tf.div(tf.log(randomUniform(shape, { seed: boostSeed, low: TINY })), a);
    const logDraw = tf.add(tf.log(draw), tf.where(tf.less(a, 1), boost, tf.zerosLike(boost)));
    return tf.maximum(tf.exp(logDraw), TINY);
  });
}

type Streams = { normal: Seed[]; uniform: Seed[] };

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

function roundOf(a: tf.Tensor, streams: Streams, r: number, count: number): { value: tf.Tensor; accept: tf.Tensor } {
  const x = tf.reshape(randomNormal([count], { seed: streams.normal[r] }), a.shape);
  return propose(a, x, tf.reshape(randomUniform([count], { seed: streams.uniform[r] }), a.shape));
}

function roundsOnHost(a: tf.Tensor, streams: Streams): tf.Tensor {
  const first = roundOf(a, streams, 0, a.size);
  const draw = (first.value.dataSync() as Float32Array).slice(); // the cpu backend hands out its own storage
  const accepted = first.accept.dataSync();
  let pending: number[] = [];
  for (let i = 0; i < accepted.length; i++) if (!accepted[i]) pending.push(i);
  const flat = tf.reshape(a, [a.size]);
  for (let r = 1; r < ROUNDS && pending.length > 0; r++) {
    const round = tf.tidy(() => roundOf(tf.gather(flat, tf.tensor1d(pending, 'int32')), streams, r, pending.length));
    const [values, accept] = [round.value.dataSync(), round.accept.dataSync()];
    tf.dispose([round.value, round.accept]);
    const still: number[] = [];
    pending.forEach((i, j) => {
      if (accept[j] || r === ROUNDS - 1) draw[i] = values[j] as number;
      else still.push(i);
    });
    pending = still;
  }
  return tf.tensor(draw, a.shape);
}

function roundsOnDevice(a: tf.Tensor, streams: Streams): tf.Tensor {
  let { value: draw, accept } = roundOf(a, streams, 0, a.size);
  let pending = tf.logicalNot(accept);
  for (let r = 1; r < ROUNDS; r++) {
    [draw, pending] = tf.tidy(() => {
      // Each element's place among the pending ones, in order: where it reads this round's numbers.
      const place = tf.cast(tf.sub(tf.cumsum(tf.reshape(toFloat(pending), [a.size])), 1), 'int32');
      const at = tf.clipByValue(place, 0, a.size - 1);
      const x = tf.reshape(tf.gather(randomNormal([a.size], { seed: streams.normal[r] }), at), a.shape);
      const u = tf.reshape(tf.gather(randomUniform([a.size], { seed: streams.uniform[r] }), at), a.shape);
      const next = propose(a, x, u);
      const take = r === ROUNDS - 1 ? pending : tf.logicalAnd(pending, next.accept);
      return [tf.where(take, next.value, draw), tf.logicalAnd(pending, tf.logicalNot(next.accept))];
    });
  }
  return draw;
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
        const dzda = HOST_BACKENDS.includes(tf.getBackend())
          ? tf.tensor(gammaShapeDerivative(full.dataSync(), sz.dataSync()), sz.shape)
          : elementwiseInChunks((a, z) => tf.neg(tf.div(igammaGradA(a, z), tf.exp(gammaLogDensity(a, z)))), full, sz);
        return sumToShape(tf.mul(dy, dzda), sa.shape);
      },
    };
  });
  return op(alpha);
}
