import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors';
import { softplus } from '../math/log1p-exp';
import { sum } from '../math/sum';
import { timesUnlessZero } from '../math/times-unless-zero';
import type { Bernoulli } from './bernoulli';
import type { Categorical } from './categorical';
import { broadcastShapes, expandTo } from './shapes';

/**
 * KL(Bernoulli(p) ‖ Bernoulli(q)) = p (log p − log q) + (1 − p)(log(1 − p) − log(1 − q)),
 * with the logs written as log-sigmoids of the logits (log p = −softplus(−l),
 * log(1 − p) = −softplus(l)): finite, with finite gradients, however far the
 * logits saturate. A term whose weight is 0 is exactly 0; +Infinity where q
 * gives probability 0 to an outcome p can produce.
 */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  return tf.tidy(() => {
    const shape = broadcastShapes('kl(Bernoulli ‖ Bernoulli)', p.batchShape, q.batchShape, 'batch shapes');
    return bernoulliKLFromLogits(expandTo(p.logits, shape), expandTo(q.logits, shape));
  });
}

/** {@link klBernoulliBernoulli} from logits of one shape (Binomial's KL is n times it). */
export function bernoulliKLFromLogits(lp: tf.Tensor, lq: tf.Tensor): tf.Tensor {
  const ones = timesUnlessZero(tf.sigmoid(lp), tf.sub(softplus(tf.neg(lq)), softplus(tf.neg(lp))));
  const zeros = timesUnlessZero(tf.sigmoid(tf.neg(lp)), tf.sub(softplus(lq), softplus(lp)));
  return tf.add(ones, zeros);
}

/**
 * KL(Categorical(p) ‖ Categorical(q)) = Σ p (log p − log q) over the
 * categories, from the log-softmax of both logits. Categories that p gives
 * probability 0 add exactly 0; +Infinity where q gives probability 0 to a
 * category p can produce. Both must have the same number of categories.
 */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  if (p.numCategories !== q.numCategories) {
    throw new ShapeError('kl(Categorical ‖ Categorical)', `numCategories must be equal (got ${p.numCategories} and ${q.numCategories})`);
  }
  return tf.tidy(() => {
    const shape = [...broadcastShapes('kl(Categorical ‖ Categorical)', p.batchShape, q.batchShape, 'batch shapes'), p.numCategories];
    const logP = expandTo(p.logProbs(), shape);
    const logQ = expandTo(q.logProbs(), shape);
    return sum(timesUnlessZero(tf.exp(logP), tf.sub(logP, logQ)), -1);
  });
}
