import * as tf from '@tensorflow/tfjs-core';
import { runHostKernel, type HostKernel } from '../backend/host-kernel';

/**
 * The values of float32 `tensors`, each flattened, one after another in one
 * vector. On cpu and wasm one copy loop; elsewhere a reshape per tensor and a
 * concatenation (tfjs's bookkeeping of ~4 µs a kernel made the 144 reshapes
 * of a 48-variable Adam step about a tenth of a small flow's training step).
 */
export function flattenAll(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  const [flat] = runHostKernel('LatentFlattenAll', flattenKernel, [...tensors]) ?? [tf.concat(tensors.map((t) => tf.reshape(t, [-1])))];
  return flat as tf.Tensor1D;
}

/** The inverse of {@link flattenAll}: `flat` cut into tensors shaped like `like`, in order. */
export function unflattenLike(flat: tf.Tensor1D, like: readonly tf.Tensor[]): tf.Tensor[] {
  return (
    runHostKernel('LatentUnflattenLike', unflattenKernel, [flat, ...like]) ??
    tf.split(flat, like.map((t) => t.size)).map((piece, i) => tf.reshape(piece, (like[i] as tf.Tensor).shape))
  );
}

const size = (info: tf.TensorInfo) => tf.util.sizeFromShape(info.shape);

const flattenKernel: HostKernel = (inputs, io) => {
  const out = io.output([inputs.reduce((n, info) => n + size(info), 0)]);
  const [target, start] = io.view(out);
  let offset = start;
  for (const info of inputs) {
    const [source, from] = io.view(info);
    target.set(source.subarray(from, from + size(info)), offset);
    offset += size(info);
  }
  return [out];
};

const unflattenKernel: HostKernel = ([flat, ...like], io) => {
  const outputs = like.map((info) => io.output([...info.shape]));
  const [source, start] = io.view(flat as tf.TensorInfo);
  let offset = start;
  return outputs.map((out) => {
    const [target, to] = io.view(out);
    target.set(source.subarray(offset, offset + size(out)), to);
    offset += size(out);
    return out;
  });
};
