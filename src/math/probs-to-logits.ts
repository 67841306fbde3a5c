import * as tf from '@tensorflow/tfjs-core';
import { unaryCustomGradient } from './custom-gradient';
import { log1p } from './log1p';
import { logWithExactZero } from './log-zero';

/**
 * The log-odds log p − log(1 − p) of probabilities p: ±Infinity at p = 1
 * and p = 0, exact near both ends. Its gradient 1 / (p (1 − p)) is infinite at p = 0 and p = 1; there it is
 * taken as 0 (torch clamps p to [ε, 1 − ε], which does the same), so that
 * log P(X = 0) at p = 0 gets a 0 gradient rather than 0 · ∞ = NaN.
 */
export const probsToLogits = unaryCustomGradient<[tf.Tensor]>((p, save) => {
  save([p]);
  return {
    value: tf.sub(logWithExactZero(p), log1p(tf.neg(p))),
    gradFunc: (dy, [probs]) => {
      const interior = tf.logicalAnd(tf.greater(probs, 0), tf.less(probs, 1));
      const safe = tf.where(interior, probs, tf.fill(probs.shape, 0.5));
      return tf.where(interior, tf.div(dy, tf.mul(safe, tf.sub(1, safe))), tf.zerosLike(probs));
    },
  };
});
