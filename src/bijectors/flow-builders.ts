import type * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger, ValidationError } from '../errors';
import { checkOptimizer } from '../inference/training-loop';
import { randomSeed, seedToUint32, splitSeed, type Seed } from '../random/seed';
import { AffineAutoregressive } from './affine-autoregressive';
import { AffineCoupling } from './affine-coupling';
import type { Bijector } from './bijector';
import { Chain } from './chain';
import { checkConditionerOptions } from './conditioner-options';
import { Flow, type FlowKind, type FlowSettings } from './flow';
import { Invert } from './invert';
import { Reverse } from './reverse';
import { SplineAutoregressive } from './spline-autoregressive';
import { SplineCoupling } from './spline-coupling';

/** Options every flow builder takes. */
export interface FlowOptions {
  /** D, the data dimension. */
  dim: number;
  /** Coupling or autoregressive layers (defaults: realNVP 8, maf and iaf 5, nsf 6). */
  layers?: number;
  /** Hidden widths of each layer's conditioner (default `[64, 64]`). */
  hiddenSizes?: readonly number[];
  /** Size of a context vector for a conditional flow p(x | c) (default 0). */
  contextSize?: number;
  /** Adam's learning rate in `fit` (default 1e-3). */
  learningRate?: number;
  /** Any `tf.train` optimiser instead of Adam (stays the caller's). */
  optimizer?: tf.Optimizer;
  /** Reproduces the initial weights and the batch order exactly; random when omitted. */
  seed?: Seed;
}

/** Options of {@link nsf}. */
export interface NSFOptions extends FlowOptions {
  /** Spline bins (default 8). */
  bins?: number;
  /** The splines act on [−B, B] and are the identity outside (default 4). */
  tailBound?: number;
  /** Spline autoregressive layers instead of couplings (default false). */
  autoregressive?: boolean;
}

/**
 * RealNVP (Dinh et al. 2017): affine coupling layers with the coordinates
 * reversed between them. Sampling and density are both one pass per layer.
 *
 * @example
 * ```ts
 * const flow = realNVP({ dim: 2, layers: 8, hiddenSizes: [64, 64], seed: 1 });
 * await flow.fit(twoMoons(10000, { seed: 2 }), { epochs: 5 });
 * ```
 */
export function realNVP(options: FlowOptions): Flow {
  return build('realNVP', options, 8, (seed, s) => new AffineCoupling({ dim: s.dim, hiddenSizes: s.hiddenSizes, contextSize: s.contextSize, seed }));
}

/**
 * The masked autoregressive flow (Papamakarios et al. 2017): affine
 * autoregressive layers (MADE conditioners), the order reversed between
 * them. Density in one pass per layer; sampling in D passes per layer.
 *
 * @example
 * ```ts
 * const flow = maf({ dim: 2, layers: 5, seed: 1 });
 * const logp = flow.logProb(x); // parallel
 * ```
 */
export function maf(options: FlowOptions): Flow {
  return build('maf', options, 5, (seed, s) => new AffineAutoregressive({ dim: s.dim, hiddenSizes: s.hiddenSizes, contextSize: s.contextSize, seed }));
}

/**
 * The inverse autoregressive flow (Kingma et al. 2016): each layer is an
 * inverted affine autoregressive layer, so sampling — and
 * `sampleAndLogProb`, what a variational posterior needs — is one pass per
 * layer, and the density of given data takes D passes per layer.
 *
 * @example
 * ```ts
 * const flow = iaf({ dim: 2, seed: 1 });
 * const { sample, logProb } = flow.sampleAndLogProb(256); // one pass per layer
 * ```
 */
export function iaf(options: FlowOptions): Flow {
  return build('iaf', options, 5, (seed, s) => new Invert(new AffineAutoregressive({ dim: s.dim, hiddenSizes: s.hiddenSizes, contextSize: s.contextSize, seed })));
}

/**
 * The neural spline flow (Durkan et al. 2019): rational-quadratic spline
 * coupling layers (or autoregressive ones) with K bins on [−B, B], the
 * identity outside, the coordinates reversed between layers.
 *
 * @example
 * ```ts
 * const flow = nsf({ dim: 2, layers: 6, bins: 8, tailBound: 4, seed: 1 });
 * ```
 */
export function nsf(options: NSFOptions): Flow {
  const bins = checkPositiveInteger('nsf', 'bins', options?.bins ?? 8);
  const tailBound = options?.tailBound ?? 4;
  const autoregressive = options?.autoregressive ?? false;
  if (typeof autoregressive !== 'boolean') throw new ValidationError('nsf', 'autoregressive', 'be a boolean', autoregressive);
  return build('nsf', options, 6, (seed, s) => {
    const layer = { dim: s.dim, hiddenSizes: s.hiddenSizes, contextSize: s.contextSize, bins, tailBound, seed };
    return autoregressive ? new SplineAutoregressive(layer) : new SplineCoupling(layer);
  }, { bins, tailBound, autoregressive });
}

function build(
  kind: FlowKind,
  options: FlowOptions,
  defaultLayers: number,
  layer: (seed: Seed, settings: FlowSettings) => Bijector,
  extra: Partial<FlowSettings> = {},
): Flow {
  const { dim, contextSize, hiddenSizes } = checkConditionerOptions(kind, options, 1);
  if (dim < 2 && (kind === 'realNVP' || (kind === 'nsf' && !extra.autoregressive))) {
    throw new ValidationError(kind, 'dim', 'be at least 2 for coupling layers (use maf, iaf or nsf with autoregressive: true in one dimension)', dim);
  }
  const layers = checkPositiveInteger(kind, 'layers', options.layers ?? defaultLayers);
  const learningRate = options.learningRate ?? 1e-3;
  if (typeof learningRate !== 'number' || !(learningRate > 0 && learningRate < Infinity)) throw new ValidationError(kind, 'learningRate', 'be a positive finite number', learningRate);
  checkOptimizer(kind, options.optimizer);
  if (options.seed !== undefined) seedToUint32(options.seed, kind);
  const seed = options.seed ?? randomSeed();
  const [loopSeed, ...layerSeeds] = splitSeed(seed, layers + 1) as [Seed, ...Seed[]];
  const settings: FlowSettings = { kind, dim, contextSize, layers, hiddenSizes, ...extra };
  const pieces: Bijector[] = [];
  try {
    layerSeeds.forEach((s, i) => {
      if (i > 0) pieces.push(new Reverse());
      pieces.push(layer(s, settings));
    });
  } catch (e) {
    for (const piece of pieces) piece.dispose();
    throw e;
  }
  return new Flow(settings, new Chain(pieces), { seed: loopSeed, optimizer: options.optimizer, learningRate });
}
