import type { Activation } from '../nn/activation';
import type { Seed } from '../random/seed';

/** What coupling and autoregressive bijectors share: the dimension and their conditioner network. */
export interface ConditionerOptions {
  /** D, the size of the last axis. */
  dim: number;
  /** Hidden layer widths of the conditioner (default `[64, 64]`). */
  hiddenSizes?: readonly number[];
  /** Activation of its hidden layers (default `'relu'`). */
  activation?: Activation;
  /** Size of the context vector for a conditional bijector (default 0: unconditional). */
  contextSize?: number;
  /** Reproduces the conditioner's initial weights exactly; random when omitted. */
  seed?: Seed;
}

/** Options of {@link AffineCoupling} and {@link AffineAutoregressive}. */
export interface AffineOptions extends ConditionerOptions {
  /** The log-scale is b·tanh(raw / b), in (−b, b) (default 3). */
  logScaleBound?: number;
}

/** Options of {@link SplineCoupling} and {@link SplineAutoregressive}. */
export interface SplineOptions extends ConditionerOptions {
  /** K, the spline's bins (default 8). */
  bins?: number;
  /** B: the spline covers [−B, B], the identity outside (default 4). */
  tailBound?: number;
}
