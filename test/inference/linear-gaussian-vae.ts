/**
 * A VAE whose evidence is known exactly: z ~ N(0, I₂), x | z ~ N(W z + b, σ² I₃)
 * with a linear decoder, and a linear encoder that gives the exact posterior
 * (or, with `locShift`/`scaleFactor`, a deliberately wrong one). W has
 * orthogonal columns, so the posterior covariance (I + WᵀW/σ²)⁻¹ is diagonal
 * and a MultivariateNormalDiag q can be exact. With the exact q every
 * importance weight p(x, z)/q(z | x) equals p(x), so any IWAE-k estimate is
 * log p(x) whatever the draws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { network, VAE, type Network, type VAEOptions } from '../../src/index';
import { exactLogEvidence, exactPosterior, type LinearGaussian } from '../estimators/linear-gaussian';

const D = 3;
const L = 2;
// VAE adds this floor to the Gaussian decoder's softplus scales.
const MIN_GAUSSIAN_SCALE = 1e-3;

/** softplus⁻¹ in float64, rounded to float32 as the variable will hold it. */
const softplusInverse = (y: number): number => Math.fround(Math.log(Math.expm1(y)));
/** A variable holding `t`'s values (t is freed). */
function variable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

const softplus64 = (x: number): number => Math.log1p(Math.exp(x));

/** N rows of deterministic, varied data in 3-D (any x works: log p(x) is exact for all). */
export function linearGaussianData(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [1.7 * Math.sin(1.3 * i + 0.2), 1.2 * Math.cos(0.7 * i) - 0.5, 0.9 * Math.sin(2.9 * i + 1)]);
}

const RAW_SIGMA = softplusInverse(0.8 - MIN_GAUSSIAN_SCALE);

/** The model: W columns orthogonal (WᵀW = diag(2.25, 2)); σ as the decoder computes it from its raw scale. */
export function linearGaussianModel(x: number[][]): LinearGaussian {
  return {
    W: [
      [1, 1],
      [1, -1],
      [0.5, 0],
    ],
    b: [0.3, -0.2, 0.1],
    sigma: softplus64(RAW_SIGMA) + MIN_GAUSSIAN_SCALE,
    x,
  };
}

export interface LinearGaussianVAE {
  vae: VAE;
  /** log p(x) per row, float64. */
  logEvidence: number[];
  /** Rows (product of all axes but the last) of every decoder call. */
  decoderRows: number[];
  dispose(): void;
}

/**
 * The VAE of {@link linearGaussianModel} with a Gaussian likelihood. The encoder is the
 * exact posterior, its means shifted by `locShift` and its scales multiplied by `scaleFactor`.
 */
export function linearGaussianVAE(
  x: number[][],
  { locShift = 0, scaleFactor = 1, seed = 1, ...options }: { locShift?: number; scaleFactor?: number; seed?: number } & Partial<VAEOptions> = {},
): LinearGaussianVAE {
  const m = linearGaussianModel(x);
  const { cov } = exactPosterior({ ...m, x: [[0, 0, 0]] });
  const variance = [cov[0]![0]!, cov[1]![1]!];
  if (Math.abs(cov[0]![1]!) > 1e-12) throw new Error('the posterior covariance must be diagonal');
  const s2 = m.sigma ** 2;
  // μ = Σ Wᵀ (x − b) / σ² = x·A + c with A[d][l] = var_l W[d][l] / σ², c = −bᵀA.
  const A = m.W.map((row) => row.map((w, l) => (variance[l]! * w) / s2));
  const c = [0, 1].map((l) => -m.b.reduce((s, bd, d) => s + bd * A[d]![l]!, 0) + locShift);
  const encoderVars = [variable(tf.tensor2d(A)), variable(tf.tensor1d(c)), variable(tf.tensor1d(variance.map((v) => softplusInverse(scaleFactor * Math.sqrt(v)))))];
  const [a, cVar, rawQ] = encoderVars as [tf.Variable, tf.Variable, tf.Variable];
  const encoder: Network = network((input) => {
    const loc = tf.add(tf.matMul(input, a), cVar);
    return tf.concat([loc, tf.tile(tf.reshape(rawQ, [1, L]), [input.shape[0] as number, 1])], 1);
  }, encoderVars);
  const decoderVars = [
    variable(tf.tensor2d([0, 1].map((l) => m.W.map((row) => row[l]!)))), // Wᵀ [L, D]
    variable(tf.tensor1d(m.b)),
    variable(tf.fill([D], RAW_SIGMA)),
  ];
  const [wt, b, rawX] = decoderVars as [tf.Variable, tf.Variable, tf.Variable];
  const decoderRows: number[] = [];
  const decoder: Network = network((z) => {
    const rows = z.size / L;
    decoderRows.push(rows);
    const mean = tf.add(tf.matMul(tf.reshape(z, [rows, L]), wt), b);
    const out = tf.concat([mean, tf.tile(tf.reshape(rawX, [1, D]), [rows, 1])], 1);
    return tf.reshape(out, [...z.shape.slice(0, -1), 2 * D]);
  }, decoderVars);
  const vae = new VAE({ encoder, decoder, latentDim: L, likelihood: 'gaussian', seed, ...options });
  return {
    vae,
    logEvidence: exactLogEvidence(m),
    decoderRows,
    dispose: () => {
      vae.dispose();
      options.optimizer?.dispose();
      tf.dispose([...encoderVars, ...decoderVars]);
    },
  };
}
