import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { toFloat } from '../math/to-float';
import { sizeOf } from './shapes';

/** A rejection sampler run in rounds by {@link rejectInRounds}. */
export interface RejectionRounds {
  /** Each draw's parameters, every one of the draws' shape (not read where `proposeOne` is used). */
  parameters: tf.Tensor[];
  rounds: number;
  /**
   * Round r's random numbers for `count` draws, each `[count]`, from a stream of
   * the round's own: its i-th numbers are the same however many are asked for.
   */
  randoms: (round: number, count: number) => tf.Tensor[];
  /** Proposals and whether each is accepted, elementwise over parameters and randoms of one shape. */
  propose: (parameters: tf.Tensor[], randoms: tf.Tensor[]) => { value: tf.Tensor; accept: tf.Tensor };
  /** What a draw never accepted takes; its last proposal when omitted. */
  fallback?: tf.Tensor;
  /**
   * `propose` as scalar code, used on the host instead of its kernels: given
   * a round's random values, a function of a draw's flat index i and the
   * place j of its numbers there that returns the accepted value, or NaN.
   * Needs `fallback`, whose shape is then the draws'.
   */
  proposeOne?: (randoms: Float32Array[]) => (i: number, j: number) => number;
}

/**
 * Rejection sampling in rounds, the same draws on every backend: round 0
 * proposes for every draw, and round r's i-th random numbers go to the i-th
 * draw (in order) still pending. On the host only the pending draws draw
 * again — about one round of random numbers in all where most proposals are
 * accepted; a GPU, which cannot read which are pending, draws whole rounds and
 * picks each draw's numbers by the running count of pending ones.
 */
export function rejectInRounds(sampler: RejectionRounds, onHost = onHostBackend()): tf.Tensor {
  return tf.tidy(() => (onHost ? onTheHost(sampler) : onTheDevice(sampler)));
}

function roundOf({ propose, randoms }: RejectionRounds, parameters: tf.Tensor[], round: number): { value: tf.Tensor; accept: tf.Tensor } {
  const shape = (parameters[0] as tf.Tensor).shape;
  return propose(parameters, randoms(round, sizeOf(shape)).map((t) => tf.reshape(t, shape)));
}

function onTheHost(sampler: RejectionRounds): tf.Tensor {
  if (sampler.proposeOne !== undefined) return scalarRounds(sampler, sampler.proposeOne);
  const shape = (sampler.parameters[0] as tf.Tensor).shape;
  const first = roundOf(sampler, sampler.parameters, 0);
  const draw = (first.value.dataSync() as Float32Array).slice(); // the cpu backend hands out its own storage
  const accepted = first.accept.dataSync();
  let pending: number[] = [];
  for (let i = 0; i < accepted.length; i++) if (!accepted[i]) pending.push(i);
  const flat = sampler.parameters.map((t) => tf.reshape(t, [t.size]));
  for (let r = 1; r < sampler.rounds && pending.length > 0; r++) {
    const round = tf.tidy(() => {
      const at = tf.tensor1d(pending, 'int32');
      return roundOf(sampler, flat.map((t) => tf.gather(t, at)), r);
    });
    const [values, accept] = [round.value.dataSync(), round.accept.dataSync()];
    tf.dispose([round.value, round.accept]);
    const last = r === sampler.rounds - 1 && sampler.fallback === undefined;
    const still: number[] = [];
    pending.forEach((i, j) => {
      if (accept[j] || last) draw[i] = values[j] as number;
      else still.push(i);
    });
    pending = still;
  }
  if (pending.length > 0 && sampler.fallback !== undefined) {
    const fallback = sampler.fallback.dataSync();
    for (const i of pending) draw[i] = fallback[i] as number;
  }
  return tf.tensor(draw, shape);
}

/** The host's rounds with {@link RejectionRounds.proposeOne}: no kernel but the random numbers'. */
function scalarRounds(sampler: RejectionRounds, proposeOne: NonNullable<RejectionRounds['proposeOne']>): tf.Tensor {
  if (sampler.fallback === undefined) throw new Error('rejectInRounds: proposeOne needs a fallback');
  const shape = sampler.fallback.shape;
  const draw = new Float32Array(sizeOf(shape));
  let pending = new Int32Array(draw.length);
  for (let i = 0; i < pending.length; i++) pending[i] = i;
  for (let r = 0; r < sampler.rounds && pending.length > 0; r++) {
    const randoms = sampler.randoms(r, pending.length);
    const propose = proposeOne(randoms.map((t) => t.dataSync() as Float32Array));
    tf.dispose(randoms);
    let still = 0;
    for (let j = 0; j < pending.length; j++) {
      const i = pending[j] as number;
      const value = propose(i, j);
      if (Number.isNaN(value)) pending[still++] = i;
      else draw[i] = value;
    }
    pending = pending.subarray(0, still);
  }
  if (pending.length > 0) {
    const fallback = sampler.fallback.dataSync();
    for (const i of pending) draw[i] = fallback[i] as number;
  }
  return tf.tensor(draw, shape);
}

function onTheDevice(sampler: RejectionRounds): tf.Tensor {
  const size = (sampler.parameters[0] as tf.Tensor).size;
  const shape = (sampler.parameters[0] as tf.Tensor).shape;
  let { value: draw, accept } = roundOf(sampler, sampler.parameters, 0);
  let pending = tf.logicalNot(accept);
  for (let r = 1; r < sampler.rounds; r++) {
    [draw, pending] = tf.tidy(() => {
      // Each draw's place among the pending ones, in order: where it reads this round's numbers.
      const place = tf.cast(tf.sub(tf.cumsum(tf.reshape(toFloat(pending), [size])), 1), 'int32');
      const at = tf.clipByValue(place, 0, size - 1);
      const randoms = sampler.randoms(r, size).map((t) => tf.reshape(tf.gather(t, at), shape));
      const next = sampler.propose(sampler.parameters, randoms);
      const take = r === sampler.rounds - 1 && sampler.fallback === undefined ? pending : tf.logicalAnd(pending, next.accept);
      return [tf.where(take, next.value, draw), tf.logicalAnd(pending, tf.logicalNot(next.accept))];
    });
  }
  return sampler.fallback === undefined ? draw : tf.where(pending, sampler.fallback, draw);
}
