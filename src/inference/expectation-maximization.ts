import * as tf from '@tensorflow/tfjs-core';
import { checkNonNegativeInteger, LatentError, ValidationError } from '../errors';
import { yieldToEventLoop } from './yield-to-event-loop';

/** What an E-step returns: the log-likelihood of the current parameters and the posterior statistics. */
export interface EStepResult<Posterior> {
  /** log p(X | θ) (or its mean per point) under the parameters the E-step was given. */
  logLikelihood: number;
  /** The posterior quantities the M-step needs (e.g. responsibilities); freed after the M-step. */
  posterior: Posterior;
}

/** Progress reported after every iteration of {@link expectationMaximization}. */
export interface EMIteration {
  /** 1-based. */
  iteration: number;
  /** The log-likelihood computed by this iteration's E-step. */
  logLikelihood: number;
  /** The increase over the previous iteration (Infinity at the first). */
  change: number;
}

/** Options of {@link expectationMaximization}. */
export interface EMOptions<State extends tf.TensorContainer, Posterior extends tf.TensorContainer> {
  /** The initial parameters. */
  init: State;
  /** Posterior over the latents given the parameters, and the log-likelihood. */
  eStep: (state: State) => EStepResult<Posterior> | Promise<EStepResult<Posterior>>;
  /** New parameters maximising the expected complete log-likelihood. */
  mStep: (state: State, posterior: Posterior) => State | Promise<State>;
  /** At most this many iterations (default 100); 0 returns `init` unchanged. */
  maxIter?: number;
  /** Stop when the log-likelihood changes by less than this (default 1e-3, scikit-learn's). */
  tol?: number;
  /**
   * A decrease larger than `decreaseTolerance · max(1, |logLikelihood|)` is
   * an error: EM never decreases the likelihood (default 1e-5, float32 error).
   */
  decreaseTolerance?: number;
  /**
   * The log-likelihood `init` was reached with (default −Infinity): a warm
   * start passes the previous fit's, so that the first iteration's change,
   * and convergence, is measured from it (as scikit-learn does).
   */
  previousLogLikelihood?: number;
  /** Called after every iteration. */
  onIteration?: (progress: EMIteration) => void;
  /** Stops the loop between iterations; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The outcome of {@link expectationMaximization}. */
export interface EMResult<State> {
  /** The parameters after the last M-step (the caller owns their tensors). */
  state: State;
  /** The log-likelihood of every iteration, non-decreasing. */
  logLikelihoods: number[];
  /** Whether the change fell below `tol` before `maxIter`. */
  converged: boolean;
  /** Iterations run. */
  iterations: number;
}

/**
 * EM failed: the log-likelihood decreased (a bug in an E- or M-step) or
 * became non-finite. `state` holds the last good parameters, those whose
 * E-step passed before the failing M-step (the caller owns their tensors).
 *
 * @example
 * ```ts
 * try { await expectationMaximization(options); } catch (e) { if (e instanceof EMError) use(e.state); }
 * ```
 */
export class EMError<State = unknown> extends LatentError {
  /** The parameters of the last good iteration. */
  readonly state: State;
  constructor(message: string, state: State) {
    super(message);
    this.state = state;
  }
}

/**
 * The generic expectation-maximisation loop: alternate an E-step (the
 * posterior over the latents given the parameters) and an M-step (the
 * parameters maximising the expected complete log-likelihood) until the
 * log-likelihood changes by less than `tol`. Async: it yields to the event
 * loop between iterations, reports progress, honours an AbortSignal, and
 * refuses a decreasing log-likelihood. The loop takes ownership of `init`:
 * tensors of replaced states and of posteriors are freed (those of the
 * current state too when the signal aborts); the final state, or the
 * `EMError`'s last good state, belongs to the caller.
 *
 * @example
 * ```ts
 * const { state, logLikelihoods } = await expectationMaximization({
 *   init: { means: tf.tensor([-1, 1]) },
 *   eStep: (s) => ({ logLikelihood: meanLogLikelihood(s), posterior: responsibilities(s) }),
 *   mStep: (s, r) => ({ means: weightedMeans(r) }),
 *   tol: 1e-6,
 * });
 * ```
 */
export async function expectationMaximization<State extends tf.TensorContainer, Posterior extends tf.TensorContainer>(
  options: EMOptions<State, Posterior>,
): Promise<EMResult<State>> {
  const where = 'expectationMaximization';
  if (options === null || typeof options !== 'object') throw new ValidationError(where, 'options', 'be an object { init, eStep, mStep, ... }', options);
  const { eStep, mStep, maxIter = 100, tol = 1e-3, decreaseTolerance = 1e-5, previousLogLikelihood = -Infinity, onIteration, signal } = options;
  if (typeof eStep !== 'function') throw new ValidationError(where, 'eStep', 'be a function (state) => { logLikelihood, posterior }', eStep);
  if (typeof mStep !== 'function') throw new ValidationError(where, 'mStep', 'be a function (state, posterior) => state', mStep);
  if (onIteration !== undefined && typeof onIteration !== 'function') throw new ValidationError(where, 'onIteration', 'be a function', onIteration);
  checkNonNegativeInteger(where, 'maxIter', maxIter);
  if (!(tol >= 0)) throw new ValidationError(where, 'tol', 'be non-negative', tol);
  if (!(decreaseTolerance >= 0)) throw new ValidationError(where, 'decreaseTolerance', 'be non-negative (Infinity turns the check off)', decreaseTolerance);
  if (Number.isNaN(previousLogLikelihood) || previousLogLikelihood === Infinity) {
    throw new ValidationError(where, 'previousLogLikelihood', 'be a number below +Infinity', previousLogLikelihood);
  }
  let state = options.init;
  // The state before the last M-step, kept until the new state's E-step passes, so a failure can hand it back.
  let previous: State | undefined;
  let posterior: Posterior | undefined;
  const logLikelihoods: number[] = [];
  let converged = false;
  try {
    for (let iteration = 1; iteration <= maxIter; iteration++) {
      signal?.throwIfAborted();
      const result = await eStep(state);
      posterior = result.posterior;
      const { logLikelihood } = result;
      const last = logLikelihoods[logLikelihoods.length - 1] ?? previousLogLikelihood;
      const failure =
        typeof logLikelihood !== 'number' || !Number.isFinite(logLikelihood)
          ? `the log-likelihood is ${logLikelihood} at iteration ${iteration}`
          : logLikelihood < last - decreaseTolerance * Math.max(1, Math.abs(last))
            ? `the log-likelihood decreased from ${last} to ${logLikelihood} at iteration ${iteration}; EM never decreases it, so an E- or M-step is wrong`
            : undefined;
      if (failure !== undefined) {
        tf.dispose(posterior);
        const good = previous ?? state;
        if (previous !== undefined) disposeReplaced(state, previous);
        throw new EMError(`${where}: ${failure}`, good);
      }
      if (previous !== undefined) disposeReplaced(previous, state);
      previous = undefined;
      logLikelihoods.push(logLikelihood);
      const next = await mStep(state, posterior);
      tf.dispose(posterior);
      posterior = undefined;
      previous = state;
      state = next;
      const change = logLikelihood - last;
      onIteration?.({ iteration, logLikelihood, change });
      if (Math.abs(change) < tol) {
        converged = true;
        break;
      }
      await yieldToEventLoop();
    }
  } catch (e) {
    // An abort, or a step or callback that threw: nobody else can reach these tensors.
    if (!(e instanceof EMError)) tf.dispose([...tensorsIn(state), ...(previous === undefined ? [] : tensorsIn(previous)), ...(posterior === undefined ? [] : tensorsIn(posterior))]);
    throw e;
  }
  if (previous !== undefined) disposeReplaced(previous, state);
  return { state, logLikelihoods, converged, iterations: logLikelihoods.length };
}

/** Frees the tensors of `old` that `next` does not reuse. */
function disposeReplaced(old: tf.TensorContainer, next: tf.TensorContainer): void {
  const kept = new Set(tensorsIn(next));
  tf.dispose(tensorsIn(old).filter((t) => !kept.has(t)));
}

function tensorsIn(container: tf.TensorContainer, out: tf.Tensor[] = []): tf.Tensor[] {
  if (container instanceof tf.Tensor) out.push(container);
  else if (Array.isArray(container)) for (const c of container) tensorsIn(c as tf.TensorContainer, out);
  else if (container !== null && typeof container === 'object' && !ArrayBuffer.isView(container)) {
    for (const c of Object.values(container)) tensorsIn(c as tf.TensorContainer, out);
  }
  return out;
}
