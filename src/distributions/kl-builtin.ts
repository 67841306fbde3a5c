import type { Distribution } from './distribution';
import type { DistributionClass, KLFunction } from './kl';
import { klNormalNormal } from './kl-normal';
import { Normal } from './normal';

function pair<P extends Distribution, Q extends Distribution>(p: DistributionClass<P>, q: DistributionClass<Q>, fn: KLFunction<P, Q>) {
  return { p: p as DistributionClass, q: q as DistributionClass, fn: fn as KLFunction };
}

/**
 * The built-in closed forms, as data: `kl` consults this list, so nothing is
 * registered by importing a module (tree-shaking keeps working).
 */
export const BUILTIN_KL: ReadonlyArray<{ p: DistributionClass; q: DistributionClass; fn: KLFunction }> = [
  pair(Normal, Normal, klNormalNormal),
];
