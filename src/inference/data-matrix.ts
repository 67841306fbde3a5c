import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, ValidationError } from '../errors';
import { canReadSync } from '../math/can-read-sync';
import { flattenNumbers, toTensor, type TensorInput } from '../math/to-tensor';

/**
 * The engines' data argument — a tensor or a rectangular nested array — as a
 * float32 matrix [N, D] with D ≥ 1 (and N ≥ `minRows`). Compare the result
 * with `X`: when they differ, the caller owns (and frees) the new tensor.
 */
export function toDataMatrix(where: string, X: TensorInput, { argument = 'X', minRows = 0 }: { argument?: string; minRows?: number } = {}): tf.Tensor2D {
  const x = toTensor(where, argument, X);
  if (x.rank !== 2 || (x.shape[1] as number) < 1 || (x.shape[0] as number) < minRows) {
    if (x !== X) x.dispose();
    const rows = minRows > 0 ? ` with at least ${minRows} row${minRows > 1 ? 's' : ''}` : '';
    throw new ShapeError(where, `${argument} must be a matrix [N, D] of N points with D ≥ 1 features${rows} (got shape [${x.shape.join(',')}])`);
  }
  return x as tf.Tensor2D;
}

/** What every entry of a data matrix must be. */
export type DataRule = 'finite' | 'binary' | 'unitInterval';

const RULES: Record<DataRule, { rule: string; ok: (x: tf.Tensor) => tf.Tensor; okValue: (v: number) => boolean }> = {
  finite: { rule: 'be finite (no NaN or ±Infinity)', ok: (x) => tf.isFinite(x), okValue: Number.isFinite },
  binary: { rule: 'contain only 0 and 1', ok: (x) => tf.logicalOr(tf.equal(x, 0), tf.equal(x, 1)), okValue: (v) => v === 0 || v === 1 },
  unitInterval: { rule: 'lie in [0, 1]', ok: (x) => tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1)), okValue: (v) => v >= 0 && v <= 1 },
};

/**
 * Throws a ValidationError unless every entry of `x` obeys `rule`, naming
 * the first offending entry. Reads one flag back (async: fine on every
 * backend), and the values only when the check fails.
 */
export async function checkData(where: string, argument: string, x: tf.Tensor, rule: DataRule, ruleText = RULES[rule].rule): Promise<void> {
  if (x.size === 0) return; // nothing to check (tf.all of nothing is not true on every backend)
  const flag = tf.tidy(() => tf.all(RULES[rule].ok(x)));
  const ok = (await flag.data())[0] === 1;
  flag.dispose();
  if (!ok) throwFirstViolation(where, argument, await x.data(), x.shape, rule, ruleText);
}

/**
 * The synchronous {@link checkData}, for methods that return tensors
 * synchronously (`predict`, `scoreSamples`). `source` is what the caller
 * passed: a JS array is checked in JS; a tensor is read back, except on
 * backends that cannot read synchronously (WebGPU in Node), which skip it.
 */
export function checkDataSync(where: string, argument: string, x: tf.Tensor, rule: DataRule, source: TensorInput): void {
  if (!(source instanceof tf.Tensor)) {
    const { values } = flattenNumbers(where, argument, source);
    if (values.some((v) => !RULES[rule].okValue(v))) throwFirstViolation(where, argument, values, x.shape, rule, RULES[rule].rule);
    return;
  }
  if (!canReadSync()) return;
  const flag = tf.tidy(() => tf.all(RULES[rule].ok(x)));
  const ok = flag.dataSync()[0] === 1;
  flag.dispose();
  if (!ok) throwFirstViolation(where, argument, x.dataSync(), x.shape, rule, RULES[rule].rule);
}

function throwFirstViolation(where: string, argument: string, values: ArrayLike<number>, shape: readonly number[], rule: DataRule, ruleText: string): never {
  const bad = Array.prototype.findIndex.call(values, (v: number) => !RULES[rule].okValue(v));
  const columns = shape[shape.length - 1] ?? 1;
  const at = shape.length === 2 ? `[${Math.floor(bad / columns)},${bad % columns}]` : `${bad}`;
  throw new ValidationError(where, argument, ruleText, undefined, `${values[bad]} at ${at}`);
}
