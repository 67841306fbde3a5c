import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, ValidationError } from '../errors';
import { isBackendName, type BackendName } from './backend-name';
import { DEFAULT_PREFERENCE } from './platform';
import { setBackend, type SetBackendOptions } from './set-backend';

/** Options for {@link initBackend}. */
export interface InitBackendOptions extends SetBackendOptions {
  /**
   * Backends to try, best first. Default: `['wasm', 'cpu']` in Node;
   * `['webgpu', 'webgl', 'wasm', 'cpu']` in a browser.
   */
  prefer?: readonly BackendName[];
}

/** A backend that {@link initBackend} tried and passed over. */
export interface SkippedBackend {
  /** The backend's name. */
  backend: BackendName;
  /** Why it could not start (the message of its {@link BackendUnavailableError}). */
  reason: string;
}

/** What {@link initBackend} chose, and why it passed over the others. */
export interface BackendChoice {
  /** The backend now in use. */
  backend: BackendName;
  /** Backends tried before it, each with the reason it could not start. */
  skipped: SkippedBackend[];
}

/**
 * Starts the first backend of a preference list that works here and makes it
 * current, and says which it got.
 *
 * @throws {@link BackendUnavailableError} listing every backend tried and why
 *   it failed, when none starts.
 *
 * @example
 * ```ts
 * import { initBackend } from 'latent';
 * const { backend, skipped } = await initBackend({ prefer: ['webgpu', 'wasm', 'cpu'] });
 * console.log(`running on ${backend}`, skipped);
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const prefer = options.prefer ?? DEFAULT_PREFERENCE;
  if (prefer.length === 0) throw new ValidationError('initBackend', 'prefer', 'name at least one backend', []);
  const skipped: SkippedBackend[] = [];
  for (const backend of prefer) {
    if (!isBackendName(backend)) {
      throw new ValidationError('initBackend', 'prefer', 'list only cpu, wasm, webgl or webgpu', backend);
    }
    try {
      await setBackend(backend, options);
      return { backend, skipped };
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      skipped.push({ backend, reason: e.reason });
    }
  }
  const reasons = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  throw new BackendUnavailableError(prefer.join(' / '), `no backend of the preference list could start: ${reasons}`);
}

/**
 * The name of tfjs's current backend (after {@link initBackend} or
 * {@link setBackend}).
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(getBackend()); // 'wasm' in Node
 * ```
 */
export function getBackend(): string {
  return tf.getBackend();
}
