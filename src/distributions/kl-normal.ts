import * as tf from '@tensorflow/tfjs-core';
import type { Normal } from './normal';

/** KL(N(μp, σp²) ‖ N(μq, σq²)) = ½(r + d² − 1 − log r), r = (σp/σq)², d = (μp − μq)/σq. */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.square(tf.div(p.scale, q.scale));
    const d = tf.div(tf.sub(p.loc, q.loc), q.scale);
    return tf.mul(tf.sub(tf.add(ratio, tf.square(d)), tf.add(1, tf.log(ratio))), 0.5);
  });
}
