import * as tf from '@tensorflow/tfjs-core';

/** One kernel a function ran: its name and attributes. */
export interface KernelCall {
  name: string;
  attrs: Record<string, unknown> | undefined;
}

/** The kernels `f` runs through tfjs's engine, in order. */
export function kernelCalls(f: () => void): KernelCall[] {
  const engine = tf.engine() as unknown as { runKernel: (name: string, inputs: unknown, attrs?: Record<string, unknown>) => unknown };
  const original = engine.runKernel;
  const seen: KernelCall[] = [];
  engine.runKernel = function (this: unknown, name, inputs, attrs) {
    seen.push({ name, attrs });
    return original.call(this, name, inputs, attrs);
  };
  try {
    f();
  } finally {
    engine.runKernel = original;
  }
  return seen;
}
