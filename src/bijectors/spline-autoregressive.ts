import { Autoregressive } from './autoregressive';
import type { SplineOptions } from './conditioner-options';
import { splineTransform } from './spline-coupling';

/**
 * A rational-quadratic spline autoregressive layer (Durkan et al. 2019): x_i
 * is a monotone spline of z_i whose knots a MADE of x_{<i} chooses. Density
 * (inverse) in one pass, sampling in D passes.
 *
 * @example
 * ```ts
 * const layer = new SplineAutoregressive({ dim: 3, bins: 8, tailBound: 4, seed: 1 });
 * const logDet = layer.inverseAndLogDet(x).logDet; // [N]
 * ```
 */
export class SplineAutoregressive extends Autoregressive {
  constructor(options: SplineOptions) {
    super('SplineAutoregressive', options, splineTransform('SplineAutoregressive', options));
  }
}
