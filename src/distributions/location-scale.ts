import type * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../math/stop-gradient';
import { constraints } from './constraints';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';
import { broadcastShapes } from './shapes';
import { checkParameters } from './validation';

/** Parameters of a location-scale family ({@link Laplace}, {@link LogNormal}, {@link Cauchy}). */
export interface LocationScaleParameters {
  /** The location, finite. */
  loc: TensorInput;
  /** The scale, positive. */
  scale: TensorInput;
}

/**
 * The shared part of the location-scale families: `loc` and `scale`
 * converted and validated, batchShape their broadcast shape, scalar events,
 * reparameterised draws, and `detach`. Subclasses add the density.
 *
 * @example
 * ```ts
 * const noise: LocationScale = new Laplace({ loc: 0, scale: 2 });
 * noise.scale.print(); // 2
 * ```
 */
export abstract class LocationScale extends Distribution {
  /** The location (as given). */
  readonly loc: tf.Tensor;
  /** The scale (as given). */
  readonly scale: tf.Tensor;

  protected constructor(name: string, parameters: LocationScaleParameters, options: DistributionOptions) {
    super(name, options);
    try {
      const { loc, scale } = checkParameters(name, parameters, '{ loc, scale }');
      this.loc = this.parameter('loc', loc, constraints.finite);
      this.scale = this.parameter('scale', scale, constraints.positive);
      this.setShapes(broadcastShapes(name, this.loc.shape, this.scale.shape, 'loc and scale shapes'), []);
    } catch (e) {
      this.dispose(); // nobody can reach a half-built distribution: free what it made
      throw e;
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): this {
    const Family = this.constructor as new (parameters: LocationScaleParameters, options: DistributionOptions) => this;
    return new Family({ loc: stopGradient(this.loc), scale: stopGradient(this.scale) }, { validateArgs: false });
  }
}
