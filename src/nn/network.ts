import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from '../errors';

/**
 * A differentiable function with trainable variables: what the engines
 * (`VAE`'s encoder and decoder, `SVI`) accept. {@link Dense} and {@link MLP}
 * are networks; {@link network} makes one of any function, e.g. a
 * tfjs-layers model.
 *
 * @example
 * ```ts
 * const net: Network = new MLP({ sizes: [64, 256, 16] });
 * const y = net.apply(x);
 * ```
 */
export interface Network {
  /** The network's output for `x`; the caller owns it. */
  apply(x: tf.Tensor): tf.Tensor;
  /** The trainable variables, in a fixed order (the order `saveWeights` writes). */
  readonly variables: readonly tf.Variable[];
}

/**
 * A {@link Network} from a function and the variables it reads: the way to
 * use a tfjs-layers model, or any hand-written function, as an encoder or
 * decoder. `apply` runs inside `tf.tidy`, so the function's intermediate
 * tensors are freed.
 *
 * @example
 * ```ts
 * // a tfjs-layers model (from @tensorflow/tfjs-layers) as an encoder
 * const encoder = network((x) => model.apply(x) as tf.Tensor, model.trainableWeights.map((w) => w.read() as tf.Variable));
 * // a hand-written linear map
 * const w = tf.variable(tf.zeros([2, 4]));
 * const linear = network((x) => tf.matMul(x, w), [w]);
 * ```
 */
export function network(apply: (x: tf.Tensor) => tf.Tensor, variables: readonly tf.Variable[]): Network {
  if (typeof apply !== 'function') throw new ValidationError('network', 'apply', 'be a function (x: Tensor) => Tensor', apply);
  if (!Array.isArray(variables)) throw new ValidationError('network', 'variables', 'be an array of tf.Variable', variables);
  const bad = variables.findIndex((v) => !(v instanceof tf.Variable));
  if (bad >= 0) throw new ValidationError('network', `variables[${bad}]`, 'be a tf.Variable', variables[bad]);
  return { apply: (x) => tf.tidy(() => apply(x)), variables: [...variables] };
}

/**
 * The variables of several networks (or lists of variables), each once, in
 * order: what an optimiser should update.
 *
 * @example
 * ```ts
 * const variables = collectVariables(encoder, decoder, [logScale]);
 * optimizer.minimize(loss, false, variables);
 * ```
 */
export function collectVariables(...parts: ReadonlyArray<Network | readonly tf.Variable[]>): tf.Variable[] {
  const seen = new Set<tf.Variable>();
  parts.forEach((part, i) => {
    for (const v of checkedVariables('collectVariables', `parts[${i}]`, part)) seen.add(v);
  });
  return [...seen];
}

/** The variables of a network or a list of variables; a ValidationError naming `argument` for anything else. */
export function checkedVariables(where: string, argument: string, owner: unknown): readonly tf.Variable[] {
  const variables = Array.isArray(owner) ? owner : (owner as Partial<Network> | null)?.variables;
  if (!Array.isArray(variables)) {
    throw new ValidationError(where, argument, 'be a Network (an object with apply and variables, such as an MLP) or an array of tf.Variable', owner);
  }
  const bad = variables.findIndex((v) => !(v instanceof tf.Variable));
  if (bad >= 0) throw new ValidationError(where, `${argument} variables[${bad}]`, 'be a tf.Variable', variables[bad]);
  return variables as readonly tf.Variable[];
}
