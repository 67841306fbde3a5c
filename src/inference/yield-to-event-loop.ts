/**
 * Lets the event loop run (timers, I/O, a browser tab's rendering) between
 * the steps of a long computation. `setImmediate` where it exists (Node: a
 * few µs; `setTimeout(0)` costs at least 1 ms there), otherwise a
 * MessageChannel message (browsers clamp nested timeouts to 4 ms).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
