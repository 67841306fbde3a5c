import * as tf from '@tensorflow/tfjs-core';
import type { BijectorResult } from './bijector';
import { unstackResult, type ElementwiseTransform } from './elementwise-transform';
import { hostTransformResult, type ScalarTransform } from './host-transform';

type AffineOp = (v: tf.Tensor, params: tf.Tensor) => tf.Tensor;

/**
 * y = x · exp(s) + t with (t, raw) from the conditioner and s = b·tanh(raw / b):
 * the log-scale is kept in (−b, b), which keeps training stable (RealNVP's
 * tanh), and equals raw near 0. `params` has the leading shape of the values.
 */
export class AffineTransform implements ElementwiseTransform {
  readonly paramsPerDim = 2;
  private readonly forwardOp: AffineOp;
  private readonly inverseOp: AffineOp;

  constructor(readonly logScaleBound: number) {
    this.forwardOp = affineOp(logScaleBound, 1);
    this.inverseOp = affineOp(logScaleBound, -1);
  }

  forward(x: tf.Tensor, params: tf.Tensor): BijectorResult {
    return unstackResult(() => this.forwardOp(x, params));
  }

  inverse(y: tf.Tensor, params: tf.Tensor): BijectorResult {
    return unstackResult(() => this.inverseOp(y, params));
  }
}

/**
 * The affine map (sign 1) or its inverse (sign −1) as one operation with its
 * gradient written out, returning value and log-det stacked on a last axis:
 * a flow layer's dozen elementwise kernels, each recorded with its saved
 * inputs, become one recorded operation (a RealNVP training step: 1,068 →
 * 976 kernels on wasm). With u = x·eˢ (forward) or u = y' = (y − t)·e⁻ˢ
 * (inverse), ∂/∂s = sign·(∂value·u + ∂logDet) and ∂s/∂raw = 1 − (s/b)².
 */
function affineOp(b: number, sign: 1 | -1): AffineOp {
  const scalar = new ScalarAffine(b, sign);
  return tf.customGrad((...args) => {
    const [v, params, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const host = hostTransformResult(`LatentAffine${sign === 1 ? 'Forward' : 'Inverse'}(${b})`, scalar, v, params, save);
    if (host !== null) return host;
    const [t, raw] = tf.unstack(params, params.rank - 1) as [tf.Tensor, tf.Tensor];
    const s = tf.mul(tf.tanh(tf.div(raw, b)), b);
    const logDet = sign === 1 ? s : tf.neg(s);
    const scale = tf.exp(logDet);
    const u = sign === 1 ? tf.mul(v, scale) : tf.mul(tf.sub(v, t), scale);
    const value = sign === 1 ? tf.add(u, t) : u;
    save([scale, s, u]);
    return {
      value: tf.stack([value, logDet], -1),
      gradFunc: (dy, saved) => {
        const [e, logScale, w] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [dValue, dLogDet] = tf.unstack(dy as tf.Tensor, dy.rank - 1) as [tf.Tensor, tf.Tensor];
        const dv = tf.mul(dValue, e);
        const dt = sign === 1 ? dValue : tf.neg(dv);
        const ds = tf.add(tf.mul(dValue, w), dLogDet);
        const dRaw = tf.mul(sign === 1 ? ds : tf.neg(ds), tf.sub(1, tf.square(tf.div(logScale, b))));
        return [dv, tf.stack([dt, dRaw], -1)];
      },
    };
  }) as unknown as AffineOp;
}

/** The same map for one coordinate at a time, on cpu and wasm (see `hostTransformResult`); parameters (t, raw). */
class ScalarAffine implements ScalarTransform {
  readonly paramsPerDim = 2;

  constructor(
    readonly b: number,
    readonly sign: 1 | -1,
  ) {}

  forward(v: number, params: Float32Array, at: number, out: Float32Array, o: number): void {
    const t = params[at] as number;
    const s = this.b * Math.tanh((params[at + 1] as number) / this.b);
    out[o] = this.sign === 1 ? v * Math.exp(s) + t : (v - t) * Math.exp(-s);
    out[o + 1] = this.sign * s;
  }

  backward(v: number, params: Float32Array, at: number, a: number, l: number, paramsBar: Float32Array, row: number): number {
    const t = params[at] as number;
    const s = this.b * Math.tanh((params[at + 1] as number) / this.b);
    const e = Math.exp(this.sign * s);
    const u = this.sign === 1 ? v * e : (v - t) * e;
    const dv = a * e;
    paramsBar[row] = this.sign === 1 ? a : -dv;
    paramsBar[row + 1] = this.sign * (a * u + l) * (1 - (s / this.b) ** 2);
    return dv;
  }
}
