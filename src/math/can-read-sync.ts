import * as tf from '@tensorflow/tfjs-core';

/** Whether tensors can be read synchronously on the current backend (not WebGPU in Node, which has no OffscreenCanvas). */
export function canReadSync(): boolean {
  return !(tf.getBackend() === 'webgpu' && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined');
}
