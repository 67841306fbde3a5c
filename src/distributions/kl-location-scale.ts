import * as tf from '@tensorflow/tfjs-core';
import type { Cauchy } from './cauchy';
import type { Exponential } from './exponential';
import type { HalfNormal } from './half-normal';
import type { Laplace } from './laplace';
import type { LogNormal } from './log-normal';
import { klNormalNormal } from './kl-normal';
import type { Normal } from './normal';

/** KL(Exp(a) ‖ Exp(b)) = log(a/b) + b/a − 1, written r − 1 − log r with r = b/a. */
export function klExponentialExponential(p: Exponential, q: Exponential): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.div(q.rate, p.rate);
    return tf.sub(tf.sub(r, 1), tf.log(r));
  });
}

/** KL(Laplace(μp, bp) ‖ Laplace(μq, bq)) = −log r + |Δμ|/bq + r e^{−|Δμ|/bp} − 1, r = bp/bq. */
export function klLaplaceLaplace(p: Laplace, q: Laplace): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.div(p.scale, q.scale);
    const d = tf.abs(tf.sub(p.loc, q.loc));
    return tf.sub(tf.add(tf.sub(tf.div(d, q.scale), tf.log(r)), tf.mul(r, tf.exp(tf.neg(tf.div(d, p.scale))))), 1);
  });
}

/** The KL of two log-normals is that of the normals of their logs (the map x ↦ log x is one-to-one). */
export function klLogNormalLogNormal(p: LogNormal, q: LogNormal): tf.Tensor {
  return klNormalNormal(p as unknown as Normal, q as unknown as Normal);
}

/** KL(HalfNormal(σp) ‖ HalfNormal(σq)) = KL(N(0, σp²) ‖ N(0, σq²)) = ½(r − 1 − log r), r = (σp/σq)². */
export function klHalfNormalHalfNormal(p: HalfNormal, q: HalfNormal): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.square(tf.div(p.scale, q.scale));
    return tf.mul(tf.sub(tf.sub(r, 1), tf.log(r)), 0.5);
  });
}

/** KL(Cauchy(x₀p, γp) ‖ Cauchy(x₀q, γq)) = log[((γp + γq)² + (x₀p − x₀q)²) / (4 γp γq)] (Chyzak & Nielsen 2019). */
export function klCauchyCauchy(p: Cauchy, q: Cauchy): tf.Tensor {
  return tf.tidy(() => {
    const numerator = tf.add(tf.square(tf.add(p.scale, q.scale)), tf.square(tf.sub(p.loc, q.loc)));
    return tf.log(tf.div(numerator, tf.mul(tf.mul(p.scale, q.scale), 4)));
  });
}
