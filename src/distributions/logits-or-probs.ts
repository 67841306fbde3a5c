import { ValidationError } from '../errors';
import type { TensorInput } from './distribution';

/** Either `logits` or `probs`, never both: the parameters of the discrete distributions. */
export type LogitsOrProbs =
  | {
      /** Log-odds (Bernoulli) or unnormalised log-probabilities (Categorical, last axis). */
      logits: TensorInput;
      /** Not given with `logits`. */
      probs?: undefined;
    }
  | {
      /** Probabilities: in [0, 1] (Bernoulli), or on the simplex along the last axis (Categorical). */
      probs: TensorInput;
      /** Not given with `probs`. */
      logits?: undefined;
    };

/**
 * Which of `logits` and `probs` was given; a ValidationError saying "both" or
 * "neither" otherwise (an `undefined` entry counts as not given).
 */
export function logitsOrProbs(name: string, parameters: LogitsOrProbs | undefined): 'logits' | 'probs' {
  const hasLogits = parameters?.logits !== undefined;
  const hasProbs = parameters?.probs !== undefined;
  if (hasLogits === hasProbs) {
    throw new ValidationError(name, 'exactly one of logits and probs', 'be given', undefined, hasLogits ? 'both' : 'neither');
  }
  return hasLogits ? 'logits' : 'probs';
}
