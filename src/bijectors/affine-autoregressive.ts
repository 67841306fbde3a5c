import { ValidationError } from '../errors';
import { AffineTransform } from './affine-transform';
import { Autoregressive } from './autoregressive';
import type { AffineOptions } from './conditioner-options';

/**
 * The masked autoregressive flow's layer (MAF): x_i = z_i · exp(s_i) + μ_i
 * with (μ_i, s_i) from a MADE of x_{<i}; s kept in (−b, b) by a tanh.
 * Density (inverse) in one pass, sampling in D passes; `new Invert(...)` of it
 * is the inverse autoregressive flow's layer (IAF), sampling in one pass.
 *
 * @example
 * ```ts
 * const layer = new AffineAutoregressive({ dim: 2, hiddenSizes: [64, 64], seed: 1 });
 * const z = layer.inverse(x);   // one pass
 * const back = layer.forward(z); // two passes (D = 2)
 * ```
 */
export class AffineAutoregressive extends Autoregressive {
  constructor(options: AffineOptions) {
    super('AffineAutoregressive', options, new AffineTransform(checkLogScaleBound('AffineAutoregressive', options?.logScaleBound)));
  }
}

/** The log-scale bound, default 3. */
export function checkLogScaleBound(where: string, value: number | undefined): number {
  const b = value ?? 3;
  if (typeof b !== 'number' || !(b > 0 && b < Infinity)) throw new ValidationError(where, 'logScaleBound', 'be a positive finite number', b);
  return b;
}
