import * as tf from '@tensorflow/tfjs-core';
import { runHostElementwise, type ElementwiseLoop } from '../backend/host-kernel';
import { checkTensor } from './check-tensor';
import { unaryCustomGradient } from './custom-gradient';
import { shiftUp } from './shift-up';
import { sinPi } from './sin-pi';
import { digamma64 } from './special64';
import { trigamma } from './trigamma';

/**
 * c(z) = log z − 1/(2z) − ψ(z) for z ≥ 7 by its asymptotic series
 * Σ B₂ₙ/(2n z²ⁿ) = w/12 − w²/120 + w³/252 − w⁴/240 with w = 1/z² (first
 * omitted term below 1e-10 at z = 7).
 */
export function digammaCorrection(z: tf.Tensor): tf.Tensor {
  const w = tf.reciprocal(tf.square(z));
  return tf.mul(w, tf.sub(1 / 12, tf.mul(w, tf.sub(1 / 120, tf.mul(w, tf.sub(1 / 252, tf.mul(w, 1 / 240)))))));
}

/** ψ(x) for x > 0: ψ(x + 7) − Σ_{k<7} 1/(x + k) below 7, then log z − 1/(2z) − c(z). */
function digammaPositive(x: tf.Tensor): tf.Tensor {
  const { small, z, shiftSum } = shiftUp(x, tf.reciprocal);
  const asymptotic = tf.sub(tf.sub(tf.log(z), tf.div(0.5, z)), digammaCorrection(z));
  return tf.where(small, tf.sub(asymptotic, shiftSum), asymptotic);
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x), elementwise, accurate in float32
 * on every backend (within 1e-6 absolute or 2e-6 relative of scipy from 1e-30
 * to 1e10). Negative arguments use the reflection ψ(x) = ψ(1 − x) − π cot(π x);
 * ψ(0) = −Infinity and ψ is NaN at the negative integers, as scipy's.
 * On cpu and wasm it is computed in float64 by one loop on the host and
 * rounded, elsewhere by float32 kernels. Differentiable: the gradient is
 * {@link trigamma}.
 *
 * @example
 * ```ts
 * digamma(tf.tensor([1, 0.5, 1e6])).print(); // [-0.5772, -1.9635, 13.8155]
 * ```
 */
export function digamma(x: tf.Tensor): tf.Tensor {
  checkTensor('digamma', 'x', x, 'float32');
  return unaryCustomGradient<[tf.Tensor]>((input, save) => {
    save([input]);
    const value = runHostElementwise('LatentDigamma', digammaLoop, [input]) ?? tf.tidy(() => {
      const negative = tf.less(input, 0.5);
      const positive = digammaPositive(tf.where(negative, tf.sub(1, input), input));
      // π cot(π x) = π cos(π x) / sin(π x); cos(π x) = sin(π (x + ½)).
      const s = sinPi(tf.where(negative, input, tf.fill(input.shape, 0.5)));
      const reflected = tf.sub(positive, tf.div(tf.mul(Math.PI, sinPi(tf.add(tf.where(negative, input, tf.zerosLike(input)), 0.5))), s));
      const pole = tf.logicalAnd(tf.less(input, 0), tf.equal(input, tf.round(input)));
      const atZero = tf.equal(input, 0);
      return tf.where(pole, tf.fill(input.shape, NaN), tf.where(atZero, tf.fill(input.shape, -Infinity), tf.where(negative, reflected, positive)));
    });
    return { value, gradFunc: (dy, [saved]) => tf.mul(dy, trigamma(saved)) };
  })(x);
}

const digammaLoop: ElementwiseLoop = ([x], [at], out, to, size) => {
  for (let i = 0; i < size; i++) out[to + i] = digamma64((x as Float32Array)[(at as number) + i] as number);
};
