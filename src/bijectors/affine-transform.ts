import * as tf from '@tensorflow/tfjs-core';
import type { BijectorResult } from './bijector';
import type { ElementwiseTransform } from './elementwise-transform';

/**
 * y = x · exp(s) + t with (t, raw) from the conditioner and s = b·tanh(raw / b):
 * the log-scale is kept in (−b, b), which keeps training stable (RealNVP's
 * tanh), and equals raw near 0.
 */
export class AffineTransform implements ElementwiseTransform {
  readonly paramsPerDim = 2;

  constructor(readonly logScaleBound: number) {}

  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult {
    const { shift, logScale } = this.split(params);
    return { value: tf.add(tf.mul(x, tf.exp(logScale)), shift), logDet: logScale };
  }

  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult {
    const { shift, logScale } = this.split(params);
    return { value: tf.mul(tf.sub(y, shift), tf.exp(tf.neg(logScale))), logDet: tf.neg(logScale) };
  }

  private split(params: tf.Tensor): { shift: tf.Tensor; logScale: tf.Tensor } {
    const [shift, raw] = tf.unstack(params, params.rank - 1) as [tf.Tensor, tf.Tensor];
    const b = this.logScaleBound;
    return { shift, logScale: tf.mul(tf.tanh(tf.div(raw, b)), b) };
  }
}
