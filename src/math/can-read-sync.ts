import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether synchronous methods may read tensor values (for checks) on the current backend: not on WebGPU.
 * In Node it cannot (no OffscreenCanvas); in Chromium on SwiftShader its canvas read-back returns zeros
 * (measured: `Normal` then refused a scale of 0.41 as 0); and on a real GPU it would stall the device.
 */
export function canReadSync(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** Whether tensors live in host memory (cpu, wasm): reading one back costs a copy, not a device round trip. */
export function onHostBackend(): boolean {
  return tf.getBackend() === 'cpu' || tf.getBackend() === 'wasm';
}
