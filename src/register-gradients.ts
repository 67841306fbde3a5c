/**
 * Registers gradients into tfjs's global registries, once, when `latent` is
 * imported. This is the package's only import side effect (declared in
 * package.json `sideEffects`); docs/gradients.md explains the mechanism.
 *
 * 1. tfjs-core's own gradient definitions — the same ones `@tensorflow/tfjs`
 *    registers. In the Node builds they are bundled in (Node cannot load
 *    tfjs-core's extension-less ESM files); in the browser build they stay an
 *    import that the user's bundler resolves against the user's tfjs-core.
 * 2. Zero gradients for ops whose outputs are piecewise constant (comparisons,
 *    logical ops), which tfjs leaves without one, so that
 *    `tf.where(tf.greater(x, 0), a, b)` can be differentiated.
 *    Registered only where no gradient exists, so nobody's is overridden.
 */
import { getGradient, registerGradient, zeros, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

const ZERO_GRADIENT_KERNELS: ReadonlyArray<readonly [kernel: string, inputs: readonly string[]]> = [
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

for (const [kernelName, inputs] of ZERO_GRADIENT_KERNELS) {
  if (getGradient(kernelName) != null) continue;
  registerGradient({
    kernelName,
    inputsToSave: [...inputs],
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[], _attrs: NamedAttrMap) =>
      // tfjs requires float32 gradients, also for bool inputs (LogicalAnd's).
      Object.fromEntries(inputs.map((name, i) => [name, () => zeros((saved[i] as Tensor).shape, 'float32')])),
  });
}
