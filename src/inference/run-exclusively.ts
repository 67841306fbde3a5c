import { LatentError } from '../errors';

const busy = new WeakSet<object>();

/**
 * Runs `body` unless another call through here is still running on `owner`:
 * two fits interleaving their steps on one model would lose updates, so the
 * second is refused with an error naming `where`.
 */
export async function runExclusively<T>(where: string, owner: object, body: () => Promise<T>): Promise<T> {
  if (busy.has(owner)) {
    throw new LatentError(`${where}: another fit is still running on this object; await it (or abort it through its signal) before starting a new one`);
  }
  busy.add(owner);
  try {
    return await body();
  } finally {
    busy.delete(owner);
  }
}
