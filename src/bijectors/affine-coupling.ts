import { AffineTransform } from './affine-transform';
import type { AffineOptions } from './conditioner-options';
import { Coupling } from './coupling';
import { checkLogScaleBound } from './affine-autoregressive';

/**
 * RealNVP's affine coupling layer: x₁ = z₁ and x₂ = z₂ ⊙ exp(s(z₁)) + t(z₁),
 * log-det Σ s, with s kept in (−b, b) by a tanh. Both directions are one pass.
 *
 * @example
 * ```ts
 * const coupling = new AffineCoupling({ dim: 2, hiddenSizes: [64, 64], seed: 1 });
 * const { value, logDet } = coupling.inverseAndLogDet(x); // x [N, 2] → z [N, 2], logDet [N]
 * ```
 */
export class AffineCoupling extends Coupling {
  constructor(options: AffineOptions) {
    super('AffineCoupling', options, new AffineTransform(checkLogScaleBound('AffineCoupling', options?.logScaleBound)));
  }
}
