import * as tf from '@tensorflow/tfjs-core';
import { toFloat } from '../math/to-float';
import { NotImplementedError, ShapeError, ValidationError } from '../errors';
import { logSumExp } from '../math/log-sum-exp';
import { sum } from '../math/sum';
import { splitSeed, type Seed } from '../random/seed';
import { Categorical } from './categorical';
import { checkParameters } from './validation';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution';

/** Parameters of {@link MixtureSameFamily}. */
export interface MixtureSameFamilyParameters {
  /** The mixing weights: a Categorical over K components, batchShape B. */
  mixture: Categorical;
  /** The K components side by side: any distribution with batchShape `[...B, K]`. */
  components: Distribution;
}

/**
 * A batch of mixtures of K distributions of one family:
 * p(x) = Σ_k π_k p_k(x), with the weights π from a {@link Categorical} of
 * batchShape B (or one that broadcasts to B, as torch allows) and the
 * components from one distribution of batchShape `[...B, K]` (the last batch
 * axis indexes the components). batchShape is B, eventShape the components'
 * eventShape.
 *
 * `logProb` is a log-sum-exp over the components, exact far in the tails.
 * Sampling draws a component per sample and then a value from it; it has no
 * pathwise gradient (no `rsample`). The entropy has no closed form: estimate
 * it by Monte Carlo, and KL divergences with {@link klMonteCarlo}.
 *
 * Validation follows the `options`; the shapes are always checked. The
 * mixture does not own `mixture` or `components`: its {@link dispose} leaves
 * them alone, so dispose them yourself when done.
 *
 * @example
 * ```ts
 * const gmm = new MixtureSameFamily({
 *   mixture: new Categorical({ probs: [0.3, 0.7] }),
 *   components: new Normal({ loc: [-2, 2], scale: [1, 0.5] }), // batchShape [K] = [2]
 * });                                                          // batchShape [], eventShape []
 * gmm.logProb([0, 1.5]);                                       // [2]
 * const x = gmm.sample(1000, { seed: 1 });                     // [1000]
 * ```
 */
export class MixtureSameFamily extends Distribution {
  /** The mixing weights over the K components (not owned). */
  readonly mixture: Categorical;
  /** The K components, batchShape `[...batchShape, K]` (not owned). */
  readonly components: Distribution;

  constructor(parameters: MixtureSameFamilyParameters, options: DistributionOptions = {}) {
    super('MixtureSameFamily', options);
    const { mixture, components } = checkParameters(this.name, parameters, '{ mixture, components }');
    if (!(mixture instanceof Categorical)) throw new ValidationError(this.name, 'mixture', 'be a Categorical', mixture);
    if (!(components instanceof Distribution)) throw new ValidationError(this.name, 'components', 'be a Distribution', components);
    const componentBatch = components.batchShape;
    const k = componentBatch[componentBatch.length - 1];
    const batch = componentBatch.slice(0, -1);
    const shapes = `mixture.batchShape [${mixture.batchShape.join(',')}] with ${mixture.numCategories} categories, components.batchShape [${componentBatch.join(',')}]`;
    if (k !== mixture.numCategories) {
      throw new ShapeError(this.name, `the last axis of components.batchShape must have one component per category (got ${shapes})`);
    }
    const mixtureBatch = mixture.batchShape;
    const offset = batch.length - mixtureBatch.length;
    if (offset < 0 || mixtureBatch.some((d, i) => d !== 1 && d !== batch[offset + i])) {
      throw new ShapeError(this.name, `mixture.batchShape must broadcast to components.batchShape without its last axis (got ${shapes})`);
    }
    this.mixture = mixture;
    this.components = components;
    this.setShapes(batch, components.eventShape);
  }

  /** The number of components K. */
  get numComponents(): number {
    return this.mixture.numCategories;
  }

  /** log Σ_k π_k p_k(x), by a log-sum-exp over the components. */
  logProb(value: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkValue(value);
      // A size-1 axis before the event axes broadcasts against the components' axis.
      const perComponent = this.components.logProb(tf.expandDims(x, x.rank - this.eventShape.length)); // [...S, ...B, K]
      return logSumExp(tf.add(this.mixture.logProbs(), perComponent), -1);
    });
  }

  /** This distribution with its parameters held constant for gradients. */
  override detach(): MixtureSameFamily {
    return new MixtureSameFamily({ mixture: this.mixture.detach(), components: this.components.detach() }, { validateArgs: false });
  }

  protected sampleN(n: number, seed: Seed): tf.Tensor {
    const [forMixture, forComponents] = splitSeed(seed, 2) as [Seed, Seed];
    const chosen = this.broadcastMixture().sample(n, { seed: forMixture }); // [n, ...B], float32 indices
    const draws = this.components.sample(n, { seed: forComponents }); // [n, ...B, K, ...E]
    // A one-hot mask by comparison: wasm's oneHot ignores its dtype argument (int32 bits in a float32 tensor).
    const oneHot = toFloat(tf.equal(tf.expandDims(chosen, -1), tf.range(0, this.numComponents, 1, 'float32')));
    return sum(tf.mul(this.alignWithEvents(oneHot), draws), this.componentAxis(draws.rank)); // the drawn component's value
  }

  /** Σ_k π_k μ_k. */
  override mean(): tf.Tensor {
    return tf.tidy(() => {
      const weights = this.weights();
      const means = this.components.mean();
      return sum(tf.mul(weights, means), this.componentAxis(means.rank));
    });
  }

  /**
   * The law of total variance, element-wise for vector events:
   * Σ_k π_k (σ²_k + μ_k²) − mean², computed as Σ_k π_k (σ²_k + (μ_k − mean)²)
   * (the same number, without the cancellation of the first form).
   */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const weights = this.weights();
      const means = this.components.mean();
      const axis = this.componentAxis(means.rank);
      const mean = sum(tf.mul(weights, means), axis, true);
      const spread = tf.add(this.components.variance(), tf.square(tf.sub(means, mean)));
      return sum(tf.mul(weights, spread), axis);
    });
  }

  /** Always throws: a mixture's entropy has no closed form. */
  override entropy(): tf.Tensor {
    throw new NotImplementedError(
      `${this.name}.entropy`,
      'a mixture has no closed form for its entropy; estimate it by Monte Carlo: the mean of -logProb(x) over draws x = sample(n)',
    );
  }

  /** Frees nothing: `mixture` and `components` are not owned; dispose them yourself. */
  override dispose(): void {
    super.dispose();
  }

  /** The mixture with batchShape B (a separate draw per batch entry when its own batch shape is smaller), inside a tidy. */
  private broadcastMixture(): Categorical {
    const shape = this.mixture.batchShape;
    if (shape.length === this.batchShape.length && shape.every((d, i) => d === this.batchShape[i])) return this.mixture;
    const logits = tf.add(this.mixture.logits, tf.zeros([...this.batchShape, this.numComponents]));
    return new Categorical({ logits }, { validateArgs: false });
  }

  /** The mixing weights π, shape `[...B, K, 1...]` with a 1 per event axis. */
  private weights(): tf.Tensor {
    return this.alignWithEvents(this.mixture.probs());
  }

  private alignWithEvents(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [...x.shape, ...this.eventShape.map(() => 1)]);
  }

  /** The components' axis in a tensor of rank `rank` ending in `[K, ...eventShape]`. */
  private componentAxis(rank: number): number {
    return rank - this.eventShape.length - 1;
  }
}
