/**
 * Workload: the cost of the importance-weighted bound IWAE_k against k
 * (1, 5, 50, 500) on a fixed linear-Gaussian model, z ~ N(0, I_2),
 * x | z ~ N(W z + b, σ² I_3), a batch of 64 data points, q a diagonal
 * Gaussian per data point. Each run averages the bound over 16 independent
 * groups (numSamples = 16·k) and reads it back. The work is 16·k draws per
 * data point, so the time should grow about linearly in k once k is large
 * enough to hide the fixed per-call overhead (op dispatch, the readback).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as latent from '../dist/index.js';
import { medianMs, printRatios } from './harness.mjs';

const { MultivariateNormalDiag, setBackend } = latent;

const W = [
  [1.0, -0.5],
  [0.3, 0.8],
  [-0.7, 0.2],
];
const B = [0.5, -1, 0.25];
const SIGMA = 0.7;
const N = 64;
const KS = [1, 5, 50, 500];
const GROUPS = 16;
// Deterministic data points spread over [-2, 2]^3.
const X = Array.from({ length: N }, (_, i) => [0, 1, 2].map((j) => 2 * Math.sin(1.7 * i + 2.3 * j + 0.5)));

/** log p(x, z) for z [S, N, 2] → [S, N]: the prior N(0, I) plus the Gaussian likelihood. */
function makeLogJoint() {
  const prior = new MultivariateNormalDiag({ loc: tf.zeros([N, 2]), scaleDiag: tf.ones([N, 2]) });
  const wT = tf.transpose(tf.tensor2d(W));
  const b = tf.tensor1d(B);
  const x = tf.tensor2d(X);
  const logJoint = (z) => {
    const [s] = z.shape;
    const mean = tf.add(tf.reshape(tf.matMul(tf.reshape(z, [s * N, 2]), wT), [s, N, 3]), b);
    const r = tf.div(tf.sub(x, mean), SIGMA);
    const logLik = tf.sum(tf.sub(tf.mul(tf.square(r), -0.5), Math.log(SIGMA) + 0.5 * Math.log(2 * Math.PI)), -1);
    return tf.add(prior.logProb(z), logLik);
  };
  return { logJoint, dispose: () => { prior.dispose(); tf.dispose([wT, b, x]); } };
}

export async function iwaeCost({ backends }) {
  if (typeof latent.iwae !== 'function') throw new Error('iwae-cost: dist/index.js does not export iwae (src/estimators is not yet exported from src/index.ts)');
  for (const backend of backends) {
    await setBackend(backend);
    const model = makeLogJoint();
    const q = new MultivariateNormalDiag({ loc: tf.fill([N, 2], 0.1), scaleDiag: tf.fill([N, 2], 0.6) });
    const rows = [];
    for (const k of KS) {
      const ms = await medianMs(async () => {
        const bound = latent.iwae({ logJoint: model.logJoint, q, k, numSamples: GROUPS * k, seed: 1 });
        await bound.data();
        bound.dispose();
      }, { runs: k >= 500 && backend === 'cpu' ? 5 : 7 });
      rows.push({ name: `k = ${k}`, ms, note: `linear would be ${k}x` });
    }
    q.dispose();
    model.dispose();
    printRatios(`IWAE_k bound, ${N} data points × ${GROUPS} groups, ${backend}`, rows, 'k = 1');
  }
}
