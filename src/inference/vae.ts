import * as tf from '@tensorflow/tfjs-core';
import { Flow } from '../bijectors/flow';
import { TransformedDistribution } from '../bijectors/transformed-distribution';
import { Bernoulli } from '../distributions/bernoulli';
import { ContinuousBernoulli } from '../distributions/continuous-bernoulli';
import type { Distribution } from '../distributions/distribution';
import { Independent } from '../distributions/independent';
import { kl as klDivergence } from '../distributions/kl';
import { MultivariateNormalDiag } from '../distributions/multivariate-normal-diag';
import { Normal } from '../distributions/normal';
import { checkPositiveInteger, describeError, DisposedError, NotImplementedError, ShapeError, ValidationError } from '../errors';
import type { TensorInput } from '../math/to-tensor';
import type { GradientEstimator } from '../estimators/surrogate-loss';
import { sampleMean } from '../distributions/mle-sample';
import { logSumExp } from '../math/log-sum-exp';
import { sum } from '../math/sum';
import { softplus } from '../math/log1p-exp';
import { Adam } from '../nn/adam';
import { collectVariables, type Network } from '../nn/network';
import { loadWeights, saveWeights, type SavedWeights } from '../nn/weights';
import { randomNormal } from '../random/sampling';
import { randomSeed, SeedStream, seedToUint32, splitSeed, type Seed } from '../random/seed';
import { checkData, toDataMatrix } from './data-matrix';
import { runExclusively } from './run-exclusively';
import { checkSavedHeader, type SavedHeader } from './saved-model';
import { SVI, type SVIFitOptions, type SVIFitResult, type SVIObjective } from './svi';
import { yieldToEventLoop } from './yield-to-event-loop';

/** The observation models of {@link VAE}. */
export type VAELikelihood = 'bernoulli' | 'continuous-bernoulli' | 'gaussian';

const LIKELIHOODS: readonly VAELikelihood[] = ['bernoulli', 'continuous-bernoulli', 'gaussian'];

/** Options of {@link VAE}. */
export interface VAEOptions {
  /** x `[B, D]` → `[B, 2·latentDim]`: the mean and the softplus-inverse scale of q(z | x). */
  encoder: Network;
  /** z `[..., latentDim]` → `[..., D]` (continuous) Bernoulli logits, or `[..., 2D]` Gaussian means and softplus-inverse scales. */
  decoder: Network;
  /** The dimension of z; the prior is N(0, I). */
  latentDim: number;
  /**
   * p(x | z): `'bernoulli'` (default) for binary data, `'continuous-bernoulli'`
   * for values in [0, 1] such as greyscale pixels (Loaiza-Ganem & Cunningham
   * 2019: the Bernoulli "likelihood" used on such data is not normalised),
   * `'gaussian'` for real values.
   */
  likelihood?: VAELikelihood;
  /**
   * β of the β-VAE (Higgins et al. 2017): the ELBO's KL term is weighted by β
   * (default 1, the ELBO). Above 1 it presses q(z | x) towards the prior —
   * too far, and the posterior collapses (see {@link VAE.diagnostics}).
   * Only with the `'elbo'` objective.
   */
  klWeight?: number;
  /** The bound trained on (default `'elbo'`; `{ iwae: k }` trains the IWAE bound). */
  objective?: SVIObjective;
  /** Default `'pathwise'`; `'dreg'` suits `{ iwae: k }`. */
  gradient?: GradientEstimator;
  /** Draws per data point and step, a multiple of k (default k). */
  numSamples?: number;
  /** Default `new Adam(1e-3)`, owned and disposed by the VAE. */
  optimizer?: tf.Optimizer;
  /** Reproduces training (batch order and draws) exactly; random when omitted. */
  seed?: Seed;
  /**
   * A flow posterior (Kingma et al. 2016's IAF posterior): q(z | x) is the
   * flow's bijector applied to N(μ(x), diag σ(x)²). A conditional flow
   * (`contextSize` C > 0) reads C more encoder outputs as its context, so the
   * encoder gives `[B, 2·latentDim + C]`. Its `dim` must be `latentDim`; its
   * variables are trained with the networks; it stays the caller's. `iaf`
   * suits it: its draws and their log-density take one pass.
   */
  posteriorFlow?: Flow;
}

/** Options of {@link VAE.fit}: SVI's, with `batchSize` defaulting to 128; losses reach `onStep`/`onEpoch` per data point. */
export type VAEFitOptions = SVIFitOptions;

/** Options of {@link VAE.logLikelihood}. */
export interface VAELogLikelihoodOptions {
  /** Importance samples per data point (default 5000). */
  k?: number;
  /** Reproduces the estimate exactly; random when omitted. */
  seed?: Seed;
  /** At most this many (draw, data point) pairs go through the decoder at once (default 16384): bounds memory. */
  chunkRows?: number;
}

/** Options of {@link VAE.diagnostics}. */
export interface VAEDiagnosticsOptions {
  /** Draws of z per data point for the Monte-Carlo terms (default 4). */
  numSamples?: number;
  /** Reproduces the estimates exactly; random when omitted. */
  seed?: Seed;
  /** A latent unit is active when Cov_x(E_q[z_u]) exceeds this (default 0.01, Burda et al. 2016). */
  activityThreshold?: number;
}

/** What {@link VAE.diagnostics} reports, per data point and in nats. */
export interface VAEDiagnostics {
  /** E_x E_q(z|x)[log p(x | z)]: how well z reconstructs x (Monte Carlo). */
  reconstruction: number;
  /** E_x KL(q(z | x) ‖ p(z)), in closed form. */
  kl: number;
  /** reconstruction − kl: the ELBO. */
  elbo: number;
  /**
   * The index-code mutual information I_q(x; z) under q(x, z) = q(z | x) on
   * the empirical data: E[log q(z | x) − log q(z)] with q(z) the aggregate
   * posterior (1/N) Σ_n q(z | x_n) (Monte Carlo; at most log N).
   */
  mutualInformation: number;
  /** KL(q(z) ‖ p(z)) = kl − mutualInformation: how far the aggregate posterior is from the prior. */
  marginalKL: number;
  /** Cov_x(E_q[z_u]) for each latent unit u: how much its posterior mean moves with x. */
  activity: number[];
  /** The units whose activity exceeds the threshold; 0 when the posterior has collapsed onto the prior. */
  activeUnits: number;
}

/** What {@link VAE.save} writes: the settings and every network's weights, as JSON. */
export interface SavedVAE extends SavedHeader<'latent-vae'> {
  /** The dimension of z. */
  latentDim: number;
  /** The observation model. */
  likelihood: VAELikelihood;
  /** The encoder's weights. */
  encoder: SavedWeights;
  /** The decoder's weights. */
  decoder: SavedWeights;
  /** The posterior flow's weights, when the VAE has one. */
  posteriorFlow?: SavedWeights;
}

// A floor under the Gaussian likelihood's scales: without it a constant feature drives log p(x | z) to +∞.
const MIN_GAUSSIAN_SCALE = 1e-3;

/**
 * A variational autoencoder (Kingma & Welling 2014): amortized variational
 * inference with an encoder giving q(z | x) = N(μ(x), diag σ(x)²), a prior
 * N(0, I) and a decoder giving p(x | z), trained by {@link SVI} on the ELBO
 * or the IWAE bound (Burda et al. 2016) with any gradient estimator.
 *
 * @example
 * ```ts
 * const vae = new VAE({
 *   encoder: new MLP({ sizes: [64, 256, 256, 16], seed: 1 }),
 *   decoder: new MLP({ sizes: [8, 256, 256, 64], seed: 2 }),
 *   latentDim: 8,
 *   objective: { iwae: 5 },
 *   seed: 3,
 * });
 * await vae.fit(xTrain, { epochs: 50, batchSize: 128, onEpoch: ({ epoch, loss }) => console.log(epoch, loss) });
 * const testLogLik = await vae.logLikelihood(xTest, { k: 5000 }); // per point, IWAE-5000
 * const samples = vae.sample(16, { mean: true });                  // [16, 64] pixel probabilities
 * ```
 */
export class VAE {
  /** x → the parameters of q(z | x). */
  readonly encoder: Network;
  /** z → the parameters of p(x | z). */
  readonly decoder: Network;
  /** The dimension of z. */
  readonly latentDim: number;
  /** The observation model p(x | z). */
  readonly likelihood: VAELikelihood;
  /** β, the weight of the KL term in the training objective. */
  readonly klWeight: number;
  /** The SVI driver that trains the networks. */
  readonly svi: SVI;
  /** The flow applied to the encoder's Gaussian, if any. */
  readonly posteriorFlow: Flow | null;
  private readonly seeds: SeedStream;
  private readonly prior: MultivariateNormalDiag;
  // SVI disposes only an optimiser it made itself; the VAE owns its default one.
  private readonly ownsOptimizer: boolean;
  private disposed = false;

  constructor(options: VAEOptions) {
    const where = 'VAE';
    if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
    for (const name of ['encoder', 'decoder'] as const) {
      const net = options[name];
      if (net === null || typeof net !== 'object' || typeof net.apply !== 'function' || !Array.isArray(net.variables)) {
        throw new ValidationError(where, name, 'be a Network ({ apply(x), variables }; see MLP and network())', net);
      }
    }
    checkPositiveInteger(where, 'latentDim', options.latentDim);
    const likelihood = options.likelihood ?? 'bernoulli';
    if (!LIKELIHOODS.includes(likelihood)) throw new ValidationError(where, 'likelihood', `be one of ${LIKELIHOODS.map((l) => `'${l}'`).join(', ')}`, likelihood);
    const klWeight = options.klWeight ?? 1;
    if (typeof klWeight !== 'number' || !(klWeight > 0 && klWeight < Infinity)) throw new ValidationError(where, 'klWeight', 'be a positive finite number', klWeight);
    if (klWeight !== 1 && options.objective !== undefined && options.objective !== 'elbo') {
      throw new ValidationError(where, 'klWeight', "be 1 unless objective is 'elbo' (β weights the ELBO's KL term)", klWeight);
    }
    const flow = options.posteriorFlow;
    if (flow !== undefined && !(flow instanceof Flow && flow.dim === options.latentDim)) {
      throw new ValidationError(where, 'posteriorFlow', `be a Flow of dimension latentDim = ${options.latentDim} (e.g. iaf({ dim: ${options.latentDim}, contextSize: 16 }))`, flow);
    }
    this.posteriorFlow = flow ?? null;
    this.encoder = options.encoder;
    this.decoder = options.decoder;
    this.latentDim = options.latentDim;
    this.likelihood = likelihood;
    this.klWeight = klWeight;
    const seed = options.seed ?? randomSeed();
    seedToUint32(seed, where);
    const [sviSeed, ownSeed] = splitSeed(seed, 2) as [Seed, Seed];
    this.seeds = new SeedStream(ownSeed, 'VAE');
    this.ownsOptimizer = options.optimizer === undefined;
    const optimizer = options.optimizer ?? new Adam(1e-3);
    try {
      this.svi = new SVI({
        guide: (batch) => this.posterior('VAE.fit', batch.data),
        // E_q[log p(x | z) / β + log p(z) − log q(z | x)] is the β-VAE objective divided by β: the same optimum;
        // fit multiplies the losses back.
        logJoint: (z, batch) => {
          const logLikelihood = this.observation('VAE.fit', z).logProb(batch.data);
          return tf.add(this.prior.logProb(z), klWeight === 1 ? logLikelihood : tf.div(logLikelihood, klWeight));
        },
        variables: this.variables,
        optimizer,
        latents: 'local',
        objective: options.objective,
        gradient: options.gradient,
        numSamples: options.numSamples,
        seed: sviSeed,
      });
    } catch (e) {
      if (this.ownsOptimizer) optimizer.dispose();
      throw e;
    }
    this.prior = new MultivariateNormalDiag({ loc: Array<number>(this.latentDim).fill(0), scaleDiag: Array<number>(this.latentDim).fill(1) }, { validateArgs: false });
  }

  /** The encoder's and decoder's variables (and the posterior flow's). */
  get variables(): readonly tf.Variable[] {
    return collectVariables(this.encoder, this.decoder, this.posteriorFlow?.variables ?? []);
  }

  /**
   * Trains on `data` `[N, D]` with {@link SVI} in shuffled minibatches; the
   * losses are −bound per data point (nats; with a `klWeight` β, the
   * negative β-weighted ELBO), the epoch losses their means.
   */
  async fit(data: TensorInput, options: VAEFitOptions = {}): Promise<SVIFitResult> {
    const where = 'VAE.fit';
    this.checkNotDisposed(where);
    if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object', options);
    return runExclusively(where, this, async () => {
      const x = this.toData(where, data);
      try {
        await this.checkSupport(where, x);
        const perPoint = this.klWeight / (x.shape[0] as number);
        const { onStep, onEpoch } = options;
        const result = await this.svi.fitAs(where, x, {
          ...options,
          batchSize: options.batchSize ?? Math.min(128, x.shape[0] as number),
          onStep: onStep && ((s) => onStep({ ...s, loss: s.loss * perPoint })),
          onEpoch: onEpoch && ((e) => onEpoch({ ...e, loss: e.loss * perPoint })),
        });
        return { ...result, losses: result.losses.map((loss) => loss * perPoint) };
      } finally {
        if (x !== data) x.dispose();
      }
    });
  }

  /**
   * The encoder's Gaussian N(μ(x), diag σ(x)²) for x `[B, D]`: a
   * MultivariateNormalDiag with batchShape `[B]` — q(z | x) itself, or with a
   * `posteriorFlow` the base the flow transforms. Its `loc` and `scaleDiag`
   * belong to the caller: call it inside `tf.tidy` or
   * `tf.dispose([q.loc, q.scaleDiag])`.
   */
  encode(x: TensorInput): MultivariateNormalDiag {
    // Built outside the tidy so that loc and scaleDiag are the only tensors left to the caller.
    const { loc, scale } = tf.tidy(() => {
      const { loc, scale } = this.encoded('VAE.encode', this.toData('VAE.encode', x));
      return { loc, scale };
    });
    return new MultivariateNormalDiag({ loc, scaleDiag: scale }, { validateArgs: false });
  }

  /**
   * p(x | z) for z `[..., latentDim]`: Independent Bernoulli,
   * ContinuousBernoulli (logits) or Normal over the last axis, batchShape
   * `[...]`. Its parameters belong to the caller (call it inside `tf.tidy`).
   */
  decode(z: tf.Tensor): Distribution {
    this.checkNotDisposed('VAE.decode');
    if (!(z instanceof tf.Tensor) || z.rank < 1 || z.shape[z.rank - 1] !== this.latentDim) {
      throw new ShapeError('VAE.decode', `z must be a tensor [..., ${this.latentDim}], got ${z instanceof tf.Tensor ? `[${z.shape.join(',')}]` : String(z)}`);
    }
    return this.observation('VAE.decode', z);
  }

  /** E[x | z] at z = the mean of the encoder's Gaussian (through the flow, with a `posteriorFlow`): `[B, D]` (pixel probabilities for Bernoulli). */
  reconstruct(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const { loc, context } = this.encoded('VAE.reconstruct', this.toData('VAE.reconstruct', x));
      const z = this.posteriorFlow === null ? loc : this.posteriorFlow.bijector.forward(loc, context);
      return this.observation('VAE.reconstruct', z).mean();
    });
  }

  /**
   * `n` draws from the model p(x) = ∫ p(x | z) p(z) dz, `[n, D]`; with
   * `mean: true`, E[x | z] for each prior draw z instead (smooth images).
   */
  sample(n: number, options: { seed?: Seed; mean?: boolean } = {}): tf.Tensor {
    this.checkNotDisposed('VAE.sample');
    checkPositiveInteger('VAE.sample', 'n', n);
    const [zSeed, xSeed] = splitSeed(options.seed ?? this.seeds.next(), 2) as [Seed, Seed];
    return tf.tidy(() => {
      const p = this.observation('VAE.sample', randomNormal([n, this.latentDim], { seed: zSeed }));
      return options.mean ? p.mean() : p.sample([], { seed: xSeed });
    });
  }

  /**
   * The importance-weighted estimate of log p(x) per data point with k draws
   * from q(z | x) (IWAE-k; it rises towards log p(x) as k grows), `[B]`.
   * Runs in chunks of at most `chunkRows` decoder rows, yielding to the event
   * loop between them, so k = 5000 needs little memory.
   */
  async logLikelihood(data: TensorInput, options: VAELogLikelihoodOptions = {}): Promise<tf.Tensor1D> {
    const where = 'VAE.logLikelihood';
    const x = this.toData(where, data);
    try {
      await this.checkSupport(where, x);
      return await this.importanceWeighted(where, x, options);
    } finally {
      if (x !== data) x.dispose();
    }
  }

  private async importanceWeighted(where: string, x: tf.Tensor, options: VAELogLikelihoodOptions): Promise<tf.Tensor1D> {
    const k = options.k ?? 5000;
    const chunkRows = options.chunkRows ?? 16384;
    checkPositiveInteger(where, 'k', k);
    checkPositiveInteger(where, 'chunkRows', chunkRows);
    const seeds = new SeedStream(options.seed ?? this.seeds.next(), where);
    const n = x.shape[0] as number;
    if (n === 0) return tf.zeros([0]) as tf.Tensor1D;
    const rowsPerChunk = Math.min(n, chunkRows);
    const parts: tf.Tensor[] = [];
    // The current row chunk's x and q, and its running log-sum: freed after the chunk, or in `finally` when it throws.
    let held: tf.Tensor[] = [];
    let total: tf.Tensor | null = null;
    try {
      for (let start = 0; start < n; start += rowsPerChunk) {
        const size = Math.min(rowsPerChunk, n - start);
        const draws = Math.max(1, Math.floor(chunkRows / size));
        const xs = tf.slice(x, [start, 0], [size, -1]);
        held = [xs];
        const q = tf.tidy(() => this.encoded(where, xs));
        held.push(q.loc, q.scale, ...(q.context === undefined ? [] : [q.context]));
        for (let done = 0; done < k; done += draws) {
          const s = Math.min(draws, k - done);
          const seed = seeds.next();
          const previous: tf.Tensor | null = total;
          total = tf.tidy(() => {
            const { sample: z, logProb: logQ } = this.posteriorOf(q).sampleAndLogProb(s, { seed });
            const logWeights = tf.sub(tf.add(this.prior.logProb(z), this.observation(where, z).logProb(xs)), logQ);
            const part = logSumExp(logWeights, 0);
            return previous === null ? part : logSumExp(tf.stack([previous, part]), 0);
          });
          previous?.dispose();
          await yieldToEventLoop();
        }
        parts.push(tf.sub(total as tf.Tensor, Math.log(k)));
        tf.dispose([total as tf.Tensor, ...held]);
        total = null;
        held = [];
      }
      return tf.tidy(() => (parts.length === 1 ? tf.clone(parts[0] as tf.Tensor) : tf.concat(parts))) as tf.Tensor1D;
    } finally {
      tf.dispose([...parts, ...held]);
      (total as tf.Tensor | null)?.dispose();
    }
  }

  /**
   * The signs of posterior collapse on a data set (Hoffman & Johnson's "ELBO
   * surgery" and Burda et al.'s active units): the ELBO's reconstruction and
   * KL terms, the KL split into the mutual information between x and z and
   * the marginal KL(q(z) ‖ p(z)), and the activity of each latent unit. A
   * collapsed VAE shows a KL, a mutual information and active units near 0.
   * The mutual information compares every draw with all N posteriors: cost
   * N² · numSamples · latentDim, in chunks (N in the thousands is fine).
   *
   * @example
   * ```ts
   * const d = await vae.diagnostics(test, { seed: 1 });
   * console.log(d.elbo, d.kl, d.mutualInformation, d.activeUnits);
   * ```
   */
  async diagnostics(data: TensorInput, options: VAEDiagnosticsOptions = {}): Promise<VAEDiagnostics> {
    const where = 'VAE.diagnostics';
    if (this.posteriorFlow !== null) {
      throw new NotImplementedError(where, 'the diagnostics need q(z | x) in closed form (its KL and the aggregate posterior); with a posteriorFlow use logLikelihood and the ELBO of fit');
    }
    const numSamples = checkPositiveInteger(where, 'numSamples', options.numSamples ?? 4);
    const threshold = options.activityThreshold ?? 0.01;
    if (typeof threshold !== 'number' || !(threshold >= 0)) throw new ValidationError(where, 'activityThreshold', 'be a non-negative number', threshold);
    const x = this.toData(where, data);
    const held: tf.Tensor[] = [];
    try {
      await this.checkSupport(where, x);
      const seeds = new SeedStream(options.seed ?? this.seeds.next(), where);
      const n = x.shape[0] as number;
      if (n === 0) throw new ValidationError(where, 'x', 'have at least one row', undefined, 'none');
      const { loc, scale } = tf.tidy(() => {
        const { loc, scale } = this.encoded(where, x);
        return { loc, scale };
      });
      held.push(loc, scale);
      const posterior = new MultivariateNormalDiag({ loc, scaleDiag: scale }, { validateArgs: false });
      const kl = tf.tidy(() => sampleMean(klDivergence(posterior, this.prior)));
      const activity = tf.tidy(() => sampleMean(tf.square(tf.sub(loc, sampleMean(loc)))));
      held.push(kl, activity);
      // Per chunk of rows: Σ log p(x | z), Σ log q(z | x), Σ log q(z) over its draws.
      const rows = Math.max(1, Math.floor(2 ** 22 / (numSamples * n * this.latentDim)));
      const sums = [0, 0, 0];
      for (let start = 0; start < n; start += rows) {
        const size = Math.min(rows, n - start);
        const seed = seeds.next();
        const part = tf.tidy(() => {
          const [locs, scales, xs] = [loc, scale, x].map((t) => tf.slice(t, [start, 0], [size, -1])) as [tf.Tensor, tf.Tensor, tf.Tensor];
          const z = tf.add(locs, tf.mul(scales, randomNormal([numSamples, size, this.latentDim], { seed }))); // [S, r, L]
          const logLikelihood = this.observation(where, z).logProb(xs); // [S, r]
          const all = posterior.logProb(tf.expandDims(z, 2)); // log q(z | x_m) for every m: [S, r, N]
          const own = new MultivariateNormalDiag({ loc: locs, scaleDiag: scales }, { validateArgs: false }).logProb(z);
          const aggregate = tf.sub(logSumExp(all, -1), Math.log(n));
          return tf.stack([sum(logLikelihood), sum(own), sum(aggregate)]);
        });
        const values = await part.data();
        part.dispose();
        values.forEach((v, i) => (sums[i] = (sums[i] as number) + v));
        await yieldToEventLoop();
      }
      const draws = n * numSamples;
      const [reconstruction, logQ, logAggregate] = sums.map((v) => v / draws) as [number, number, number];
      const klValue = (await kl.data())[0] as number;
      const mutualInformation = logQ - logAggregate;
      const unitActivity = Array.from(await activity.data());
      return {
        reconstruction,
        kl: klValue,
        elbo: reconstruction - klValue,
        mutualInformation,
        marginalKL: klValue - mutualInformation,
        activity: unitActivity,
        activeUnits: unitActivity.filter((a) => a > threshold).length,
      };
    } finally {
      tf.dispose(held);
      if (x !== data) x.dispose();
    }
  }

  /** The settings and weights as JSON-ready {@link SavedVAE} (the optimiser's state is not saved). */
  async save(): Promise<SavedVAE> {
    this.checkNotDisposed('VAE.save');
    return {
      format: 'latent-vae',
      version: 1,
      latentDim: this.latentDim,
      likelihood: this.likelihood,
      encoder: await saveWeights(this.encoder),
      decoder: await saveWeights(this.decoder),
      ...(this.posteriorFlow === null ? {} : { posteriorFlow: await saveWeights(this.posteriorFlow.variables) }),
    };
  }

  /**
   * Loads {@link SavedVAE} weights into this VAE's networks, which must have
   * the saved shapes; returns this VAE. On any mismatch it throws, naming the
   * part that does not fit, and changes nothing.
   */
  load(saved: SavedVAE): this {
    const where = 'VAE.load';
    this.checkNotDisposed(where);
    checkSavedHeader(where, saved, 'latent-vae', 'VAE.save');
    if (saved.latentDim !== this.latentDim || saved.likelihood !== this.likelihood) {
      throw new ValidationError(where, 'saved', `match this VAE (latentDim ${this.latentDim}, likelihood '${this.likelihood}')`, undefined, `latentDim ${saved.latentDim}, likelihood '${saved.likelihood}'`);
    }
    if (this.posteriorFlow === null && saved.posteriorFlow !== undefined) {
      throw new ValidationError(where, 'saved.posteriorFlow', 'be absent: this VAE has no posterior flow (build it with the same posteriorFlow)', undefined, 'present');
    }
    const parts = { encoder: this.encoder.variables, decoder: this.decoder.variables, ...(this.posteriorFlow === null ? {} : { posteriorFlow: this.posteriorFlow.variables }) };
    for (const part of Object.keys(parts) as Array<keyof typeof parts>) {
      if (saved[part] === undefined || saved[part] === null) throw new ValidationError(where, `saved.${part}`, `be the ${part}'s saved weights`, undefined, 'missing');
    }
    // loadWeights checks before it assigns; if a later part does not fit, the earlier ones get their values back.
    const before = this.variables.map((v) => tf.clone(v));
    let part: keyof typeof parts = 'encoder';
    try {
      for (part of Object.keys(parts) as Array<keyof typeof parts>) loadWeights(parts[part] as tf.Variable[], saved[part] as SavedWeights);
    } catch (e) {
      this.variables.forEach((v, i) => v.assign(before[i] as tf.Tensor));
      throw new ShapeError(where, `saved.${part} does not fit this VAE's ${part} (${describeError(e)})`);
    } finally {
      tf.dispose(before);
    }
    return this;
  }

  /** Frees the prior, and the optimiser when the VAE made it (the networks belong to the caller); the VAE then refuses use. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.prior.dispose();
    if (this.ownsOptimizer) this.svi.optimizer.dispose();
    this.svi.dispose();
  }

  private checkNotDisposed(where: string): void {
    if (this.disposed) throw new DisposedError(where, 'VAE');
  }

  /** The data argument as a float32 [N, D] tensor (new unless it already is one). */
  private toData(where: string, x: TensorInput): tf.Tensor {
    this.checkNotDisposed(where);
    return toDataMatrix(where, x, { argument: 'x' });
  }

  /** Outside the likelihood's support the loss is not finite: say so up front. */
  private async checkSupport(where: string, x: tf.Tensor): Promise<void> {
    if (this.likelihood === 'bernoulli') {
      await checkData(where, 'x', x, 'binary', "contain only 0 and 1 with likelihood 'bernoulli' (binarise it, e.g. tf.greater(x, 0.5), or use likelihood 'continuous-bernoulli' for values in [0, 1])");
    } else if (this.likelihood === 'continuous-bernoulli') {
      await checkData(where, 'x', x, 'unitInterval', "lie in [0, 1] with likelihood 'continuous-bernoulli' (scale it, e.g. pixels / 255, or use likelihood 'gaussian')");
    } else {
      await checkData(where, 'x', x, 'finite');
    }
  }

  /** The encoder's output for x: the Gaussian's mean and scale, and the flow's context; inside the caller's tidy. */
  private encoded(where: string, x: tf.Tensor): { loc: tf.Tensor; scale: tf.Tensor; context?: tf.Tensor } {
    const out = this.encoder.apply(x);
    const c = this.posteriorFlow?.contextSize ?? 0;
    const width = 2 * this.latentDim + c;
    if (out.rank !== 2 || out.shape[1] !== width) {
      const what = c === 0 ? '2·latentDim' : "2·latentDim + the posterior flow's contextSize";
      throw new ShapeError(where, `the encoder must output [B, ${what}] = [${x.shape[0]}, ${width}], got [${out.shape.join(',')}]`);
    }
    const [loc, raw, context] = tf.split(out, c === 0 ? [this.latentDim, this.latentDim] : [this.latentDim, this.latentDim, c], 1) as [tf.Tensor, tf.Tensor, tf.Tensor?];
    return { loc, scale: softplus(raw), ...(context === undefined ? {} : { context }) };
  }

  /** q(z | x), batchShape `[B]`, from the encoder's output; inside the caller's tidy. */
  private posteriorOf({ loc, scale, context }: { loc: tf.Tensor; scale: tf.Tensor; context?: tf.Tensor }): Distribution {
    const gaussian = new MultivariateNormalDiag({ loc, scaleDiag: scale }, { validateArgs: false });
    return this.posteriorFlow === null ? gaussian : new TransformedDistribution(gaussian, this.posteriorFlow.bijector, { context });
  }

  /** q(z | x) for x `[B, D]`, inside the caller's tidy. */
  private posterior(where: string, x: tf.Tensor): Distribution {
    return this.posteriorOf(this.encoded(where, x));
  }

  /** p(x | z) from the decoder's output, inside the caller's tidy. */
  private observation(where: string, z: tf.Tensor): Distribution {
    const out = this.decoder.apply(z);
    if (this.likelihood === 'bernoulli') return new Independent(new Bernoulli({ logits: out }, { validateArgs: false }), 1);
    if (this.likelihood === 'continuous-bernoulli') return new Independent(new ContinuousBernoulli({ logits: out }, { validateArgs: false }), 1);
    const width = out.shape[out.rank - 1] as number;
    if (width % 2 !== 0) throw new ShapeError(where, `a Gaussian decoder must output [..., 2D] (means and scales), got a last axis of ${width}`);
    const [loc, raw] = tf.split(out, 2, -1) as [tf.Tensor, tf.Tensor];
    return new Independent(new Normal({ loc, scale: tf.add(softplus(raw), MIN_GAUSSIAN_SCALE) }, { validateArgs: false }), 1);
  }
}

