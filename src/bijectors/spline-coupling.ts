import { checkPositiveInteger, ValidationError } from '../errors';
import type { SplineOptions } from './conditioner-options';
import { Coupling } from './coupling';
import { SplineTransform } from './spline-transform';

/**
 * A rational-quadratic spline coupling layer (Durkan et al. 2019): x₁ = z₁,
 * and each coordinate of x₂ is a monotone spline of z₂ with K bins on
 * [−B, B] (the identity outside) whose knots an MLP of z₁ chooses. Both
 * directions are one pass.
 *
 * @example
 * ```ts
 * const layer = new SplineCoupling({ dim: 2, bins: 8, tailBound: 4, seed: 1 });
 * const { value, logDet } = layer.inverseAndLogDet(x);
 * ```
 */
export class SplineCoupling extends Coupling {
  constructor(options: SplineOptions) {
    super('SplineCoupling', options, splineTransform('SplineCoupling', options));
  }
}

/** The spline of `options` (bins ≥ 2, default 8; tail bound default 4), checked. */
export function splineTransform(where: string, options: SplineOptions): SplineTransform {
  if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object ({ dim, bins, tailBound, ... })', options);
  const bins = checkPositiveInteger(where, 'bins', options.bins ?? 8);
  if (bins < 2) throw new ValidationError(where, 'bins', 'be at least 2', bins);
  const tailBound = options.tailBound ?? 4;
  if (typeof tailBound !== 'number' || !(tailBound > 0 && tailBound < Infinity)) throw new ValidationError(where, 'tailBound', 'be a positive finite number', tailBound);
  return new SplineTransform(bins, tailBound);
}
