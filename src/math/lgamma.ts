import * as tf from '@tensorflow/tfjs-core';
import { runHostElementwise, type ElementwiseLoop } from '../backend/host-kernel';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { digamma } from './digamma';
import { shiftUp } from './shift-up';
import { sinPi } from './sin-pi';
import { lgamma64 } from './special64';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Γ(z) − [(z − ½) log z − z + ½ log 2π] for z ≥ 7: the Stirling series
 * 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) (omitted terms below 1e-10).
 */
export function stirlingCorrection(z: tf.Tensor): tf.Tensor {
  const r = tf.reciprocal(z);
  const w = tf.square(r);
  return tf.mul(r, tf.sub(1 / 12, tf.mul(w, tf.sub(1 / 360, tf.mul(w, tf.sub(1 / 1260, tf.mul(w, 1 / 1680)))))));
}

/** log Γ(x) for x > 0: shifted to z = x + 7 below 7 (subtracting Σ log(x + k)), then Stirling. */
function lgammaPositive(x: tf.Tensor): tf.Tensor {
  const { small, z, shiftSum } = shiftUp(x, tf.log);
  const stirling = tf.add(tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), HALF_LOG_TWO_PI), stirlingCorrection(z));
  return tf.where(small, tf.sub(stirling, shiftSum), stirling);
}

/**
 * log |Γ(x)|, elementwise, accurate in float32 on every backend (within
 * 3e-6 absolute or 2e-6 relative of scipy's `gammaln` from 1e-30 to 1e10).
 * Negative arguments use the reflection log |Γ(x)| = log(π / |sin(π x)|) −
 * log Γ(1 − x); at 0 and the negative integers it is +Infinity, as scipy's.
 * On cpu and wasm it is computed in float64 by one loop on the host and
 * rounded, elsewhere by float32 kernels. Differentiable: the gradient is
 * {@link digamma}.
 *
 * @example
 * ```ts
 * lgamma(tf.tensor([0.5, 1, 10, 1e6])).print(); // [0.5724, 0, 12.8018, 12815505]
 * ```
 */
export function lgamma(x: tf.Tensor): tf.Tensor {
  checkTensor('lgamma', 'x', x, 'float32');
  return unaryCustomGradient<[tf.Tensor]>((input, save) => {
    save([input]);
    const value = runHostElementwise('LatentLgamma', lgammaLoop, [input]) ?? tf.tidy(() => {
      const negative = tf.less(input, 0.5);
      const positive = lgammaPositive(tf.where(negative, tf.sub(1, input), input));
      const s = tf.abs(sinPi(tf.where(negative, input, tf.fill(input.shape, 0.5))));
      const reflected = tf.sub(tf.sub(Math.log(Math.PI), tf.log(s)), positive);
      const pole = tf.logicalAnd(tf.lessEqual(input, 0), tf.equal(input, tf.round(input)));
      return tf.where(pole, tf.fill(input.shape, Infinity), tf.where(negative, reflected, positive));
    });
    return { value, gradFunc: (dy, [saved]) => tf.mul(dy, digamma(saved)) };
  })(x);
}

const lgammaLoop: ElementwiseLoop = ([x], [at], out, to, size) => {
  for (let i = 0; i < size; i++) out[to + i] = lgamma64((x as Float32Array)[(at as number) + i] as number);
};
