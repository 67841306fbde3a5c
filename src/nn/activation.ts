import * as tf from '@tensorflow/tfjs-core';
import { expm1 } from '../math/expm1';

/** The activations of {@link Dense} and {@link MLP}. */
export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'elu';

/** Every {@link Activation}, for validation. */
export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu'];

/** The activations tfjs can fuse into a matMul on every backend. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'elu';

/** Whether `tf.fused.matMul` applies `activation` itself. */
export function isFusable(activation: Activation): activation is FusedActivation {
  return activation === 'linear' || activation === 'relu' || activation === 'sigmoid' || activation === 'elu';
}

/** The activation applied to pre-activations `x` (for those {@link isFusable} rejects). */
export function activate(activation: Activation, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'tanh':
      return tf.tanh(x);
    case 'softplus':
      return tf.softplus(x);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'elu':
      return tf.elu(x);
    default:
      return x;
  }
}

/**
 * dy · f′(a), written with the output y = f(a) alone, so that the backward
 * pass keeps no pre-activation: relu′ = [y > 0], tanh′ = 1 − y², sigmoid′ =
 * y(1 − y), softplus′ = 1 − e^(−y), elu′ = y + 1 where y ≤ 0.
 */
export function activationBackward(activation: Activation, dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'softplus':
      return tf.mul(dy, tf.neg(expm1(tf.neg(y))));
    case 'elu':
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1)));
    default:
      return dy;
  }
}
