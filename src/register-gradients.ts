/**
 * Registers gradients into tfjs's global registry, once, when `latent` is
 * imported: the package's only import side effect (declared in package.json
 * `sideEffects`; docs/gradients.md explains the mechanism). Each is
 * registered only where the kernel has no gradient yet, so a user's own
 * gradients, or those of a newer `@tensorflow/tfjs` loaded first, stay.
 *
 * 1. tfjs-core's own gradient definitions, the ones `@tensorflow/tfjs`
 *    registers. In the Node builds they are bundled in (Node cannot load
 *    tfjs-core's extension-less ESM files); in the browser build they stay
 *    imports that the user's bundler resolves against the user's tfjs-core.
 * 2. Zero gradients for ops whose outputs are piecewise constant (comparisons,
 *    logical ops), which tfjs leaves without one, so that
 *    `tf.where(tf.greater(x, 0), a, b)` can be differentiated.
 */
import { getGradient, registerGradient, zeros, type GradConfig, type Tensor } from '@tensorflow/tfjs-core';
import { TFJS_GRADIENTS } from './tfjs-gradients.generated';

const PIECEWISE_CONSTANT_KERNELS: ReadonlyArray<readonly [kernel: string, inputs: readonly string[]]> = [
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['Greater', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalXor', ['a', 'b']],
  ['LogicalNot', ['x']],
  ['All', ['x']],
  ['Any', ['x']],
];

function zeroGradient(kernelName: string, inputs: readonly string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputs],
    // tfjs requires float32 gradients, also for bool inputs (LogicalAnd's).
    gradFunc: (_dy, saved) =>
      Object.fromEntries(inputs.map((name, i) => [name, () => zeros((saved[i] as Tensor).shape, 'float32')])),
  };
}

const configs = [...TFJS_GRADIENTS, ...PIECEWISE_CONSTANT_KERNELS.map(([name, inputs]) => zeroGradient(name, inputs))];
for (const config of configs) {
  if (getGradient(config.kernelName) == null) registerGradient(config);
}
