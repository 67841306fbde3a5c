// Type-level consumer of the packed `latent`: run.sh type-checks it with `tsc --noEmit`
// under nodenext (as ESM, and copied to consumer.cts as CJS) and under bundler resolution.
// The @ts-expect-error lines fail the check if latent's types degrade to `any`.
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendUnavailableError,
  initBackend,
  LatentError,
  logSumExp,
  randomNormal,
  setBackend,
  softplus,
  ValidationError,
  type BackendChoice,
  type BackendName,
  type InitBackendOptions,
  type Seed,
} from 'latent';

export async function main(): Promise<string> {
  const options: InitBackendOptions = { prefer: ['wasm', 'cpu'] };
  const choice: BackendChoice = await initBackend(options);
  const name: BackendName = choice.backend;
  const skipped: string[] = choice.skipped.map((s) => `${s.backend}: ${s.reason}`);

  const seed: Seed = 7;
  const x: tf.Tensor = randomNormal([3], { seed });
  const f = (t: tf.Tensor): tf.Scalar => tf.sum(tf.add(logSumExp(t, 0, false), softplus(t)));
  const grad: Float32Array | Int32Array | Uint8Array = await tf.grad(f)(x).data();

  try {
    await setBackend('webgpu');
  } catch (e) {
    if (e instanceof BackendUnavailableError) skipped.push(e.backend);
    else if (e instanceof ValidationError) skipped.push(e.argument);
    else if (e instanceof LatentError) skipped.push(e.message);
  }
  // @ts-expect-error: 'tpu' is not a BackendName
  await setBackend('tpu');
  // @ts-expect-error: logSumExp takes a tensor, not an array
  logSumExp([1, 2, 3]);
  return `${name} ${grad.length} ${skipped.join()}`;
}
