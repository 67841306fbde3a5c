import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../src/index';

/** Every activation, in the order the tests loop over them. */
export const ALL_ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu'];

/** The activation in float64. */
export function activate64(activation: Activation, a: number): number {
  switch (activation) {
    case 'relu':
      return Math.max(a, 0);
    case 'tanh':
      return Math.tanh(a);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-a));
    case 'softplus':
      return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
    case 'elu':
      return a > 0 ? a : Math.expm1(a);
    default:
      return a;
  }
}

/** f(x·W + b) in float64 for `rows` rows of x (row-major), W [n, m] and b [m]. */
export function dense64(
  activation: Activation,
  x: ArrayLike<number>,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number>,
  n: number,
  m: number,
): number[] {
  const rows = x.length / n;
  const y = new Array<number>(rows * m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) {
      let a = bias[j] as number;
      for (let i = 0; i < n; i++) a += (x[r * n + i] as number) * (kernel[i * m + j] as number);
      y[r * m + j] = activate64(activation, a);
    }
  }
  return y;
}

/** The same layer written with plain tfjs ops, differentiated by tfjs's own gradients (transposed matMuls included). */
export function plainDense(activation: Activation, x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const n = kernel.shape[0] as number;
  const m = kernel.shape[1] as number;
  const a = tf.add(tf.matMul(tf.reshape(x, [-1, n]), kernel), bias);
  const y = activation === 'linear' ? a : plainActivation(activation, a);
  return tf.reshape(y, [...x.shape.slice(0, -1), m]);
}

function plainActivation(activation: Exclude<Activation, 'linear'>, a: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(a);
    case 'tanh':
      return tf.tanh(a);
    case 'sigmoid':
      return tf.sigmoid(a);
    case 'softplus':
      return tf.softplus(a);
    case 'elu':
      return tf.elu(a);
  }
}

/** The largest |actual − expected| / (atol + rtol·|expected|): ≤ 1 passes `expectClose` with the same tolerances. */
export function worstRatio(actual: readonly number[], expected: readonly number[], rtol: number, atol: number): number {
  return actual.reduce((w, a, i) => Math.max(w, Math.abs(a - (expected[i] as number)) / (atol + rtol * Math.abs(expected[i] as number))), 0);
}
