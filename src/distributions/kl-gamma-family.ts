import * as tf from '@tensorflow/tfjs-core';
import { digamma } from '../math/digamma';
import { lbeta } from '../math/lbeta';
import { lgamma } from '../math/lgamma';
import { sum } from '../math/sum';
import type { Beta } from './beta';
import type { Dirichlet } from './dirichlet';
import type { Gamma } from './gamma';

/** KL(Gamma(αp, βp) ‖ Gamma(αq, βq)) = (αp − αq) ψ(αp) − log Γ(αp) + log Γ(αq) + αq log(βp/βq) + αp (βq − βp)/βp. */
export function klGammaGamma(p: Gamma, q: Gamma): tf.Tensor {
  return tf.tidy(() => {
    const [ap, bp, aq, bq] = [p.concentration, p.rate, q.concentration, q.rate];
    const shapeTerm = tf.add(tf.sub(tf.mul(tf.sub(ap, aq), digamma(ap)), lgamma(ap)), lgamma(aq));
    const rateTerm = tf.add(tf.mul(aq, tf.log(tf.div(bp, bq))), tf.mul(ap, tf.div(tf.sub(bq, bp), bp)));
    return tf.add(shapeTerm, rateTerm);
  });
}

/** KL(Beta(a₁, b₁) ‖ Beta(a₂, b₂)) = log B(a₂, b₂) − log B(a₁, b₁) + (a₁ − a₂) ψ(a₁) + (b₁ − b₂) ψ(b₁) + (a₂ − a₁ + b₂ − b₁) ψ(a₁ + b₁). */
export function klBetaBeta(p: Beta, q: Beta): tf.Tensor {
  return tf.tidy(() => {
    const [a1, b1, a2, b2] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
    const total = tf.add(a1, b1);
    const digammas = tf.add(
      tf.add(tf.mul(tf.sub(a1, a2), digamma(a1)), tf.mul(tf.sub(b1, b2), digamma(b1))),
      tf.mul(tf.sub(tf.add(a2, b2), total), digamma(total)),
    );
    return tf.add(tf.sub(lbeta(a2, b2), lbeta(a1, b1)), digammas);
  });
}

/** KL(Dir(α) ‖ Dir(β)) = log Γ(α₀) − Σ log Γ(α_k) − log Γ(β₀) + Σ log Γ(β_k) + Σ (α_k − β_k)(ψ(α_k) − ψ(α₀)). */
export function klDirichletDirichlet(p: Dirichlet, q: Dirichlet): tf.Tensor {
  return tf.tidy(() => {
    const [a, b] = [p.concentration, q.concentration];
    const a0 = sum(a, -1);
    const normalisers = tf.add(tf.sub(tf.sub(lgamma(a0), sum(lgamma(a), -1)), lgamma(sum(b, -1))), sum(lgamma(b), -1));
    return tf.add(normalisers, sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1));
  });
}
