import * as tf from '@tensorflow/tfjs-core';
import { onHostBackend } from '../math/can-read-sync';
import { toFloat } from '../math/to-float';
import { sizeOf } from './shapes';

/** A rejection sampler run in rounds by {@link rejectInRounds}. */
export interface RejectionRounds {
  /** The draws' shape. */
  shape: number[];
  /** Each draw's parameters, every one of the draws' shape (not asked for where `proposeRound` is used). */
  parameters: () => tf.Tensor[];
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
   * `propose` as scalar code, run on the host instead of its kernels: one
   * round for the `pending` draws (flat indices, in order; the j-th of them
   * takes the j-th of each of `randoms`). It writes each accepted value into
   * `draw`, moves the draws still pending to the front of `pending`, in
   * order, and returns how many they are. On the `last` round, without
   * `fallback`, every pending draw takes its proposal.
   */
  proposeRound?: (randoms: Float32Array[], pending: Int32Array, draw: Float32Array, last: boolean) => number;
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
  if (sampler.proposeRound !== undefined) return scalarRounds(sampler, sampler.proposeRound);
  const { shape } = sampler;
  const parameters = sampler.parameters();
  const first = roundOf(sampler, parameters, 0);
  const draw = (first.value.dataSync() as Float32Array).slice(); // the cpu backend hands out its own storage
  const accepted = first.accept.dataSync();
  let pending: number[] = [];
  for (let i = 0; i < accepted.length; i++) if (!accepted[i]) pending.push(i);
  const flat = parameters.map((t) => tf.reshape(t, [t.size]));
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

/** The host's rounds with {@link RejectionRounds.proposeRound}: no kernel but the random numbers'. */
function scalarRounds(sampler: RejectionRounds, proposeRound: NonNullable<RejectionRounds['proposeRound']>): tf.Tensor {
  const { shape } = sampler;
  const draw = new Float32Array(sizeOf(shape));
  let pending = new Int32Array(draw.length);
  for (let i = 0; i < pending.length; i++) pending[i] = i;
  for (let r = 0; r < sampler.rounds && pending.length > 0; r++) {
    const randoms = sampler.randoms(r, pending.length);
    const values = randoms.map((t) => t.dataSync() as Float32Array);
    tf.dispose(randoms);
    pending = pending.subarray(0, proposeRound(values, pending, draw, r === sampler.rounds - 1 && sampler.fallback === undefined));
  }
  if (pending.length > 0 && sampler.fallback !== undefined) {
    const fallback = sampler.fallback.dataSync();
    for (const i of pending) draw[i] = fallback[i] as number;
  }
  return tf.tensor(draw, shape);
}

function onTheDevice(sampler: RejectionRounds): tf.Tensor {
  const { shape } = sampler;
  const size = sizeOf(shape);
  const parameters = sampler.parameters();
  let { value: draw, accept } = roundOf(sampler, parameters, 0);
  let pending = tf.logicalNot(accept);
  for (let r = 1; r < sampler.rounds; r++) {
    [draw, pending] = tf.tidy(() => {
      // Each draw's place among the pending ones, in order: where it reads this round's numbers.
      const place = tf.cast(tf.sub(tf.cumsum(tf.reshape(toFloat(pending), [size])), 1), 'int32');
      const at = tf.clipByValue(place, 0, size - 1);
      const randoms = sampler.randoms(r, size).map((t) => tf.reshape(tf.gather(t, at), shape));
      const next = sampler.propose(parameters, randoms);
      const take = r === sampler.rounds - 1 && sampler.fallback === undefined ? pending : tf.logicalAnd(pending, next.accept);
      return [tf.where(take, next.value, draw), tf.logicalAnd(pending, tf.logicalNot(next.accept))];
    });
  }
  return sampler.fallback === undefined ? draw : tf.where(pending, sampler.fallback, draw);
}
