import * as tf from '@tensorflow/tfjs-core';
import { ValidationError } from 'latent';

/** One law an exercise checker tested. */
export interface ExerciseCheck {
  /** The law, in a few words ("exact when q is the posterior"). */
  law: string;
  /** Whether the student's function obeyed it. */
  passed: boolean;
  /** When it failed: what went wrong, in words a student understands, with the inputs that show it. */
  explanation?: string;
}

/** What an exercise checker returns. */
export interface ExerciseReport {
  /** The exercise's name ("IWAE"). */
  exercise: string;
  /** True when every law held. */
  passed: boolean;
  /** Every law checked, in order. */
  checks: ExerciseCheck[];
  /** Readable text: one line per law (✓ or ✗) and, under each failure, its explanation. */
  summary: string;
}

/** A failed law: thrown inside a checker's law and turned into its explanation. */
export class LawBroken extends Error {}

/** What a student's function may return: a number or a one-element tensor, or a promise of either. */
export type StudentNumber = number | tf.Tensor | Promise<number | tf.Tensor>;

/**
 * Runs the laws in order and builds the report. A law that throws LawBroken fails with its message; any
 * other error (the student's function threw) fails with that error's message.
 */
export async function runLaws(exercise: string, laws: ReadonlyArray<[string, () => Promise<void>]>): Promise<ExerciseReport> {
  const checks: ExerciseCheck[] = [];
  for (const [law, run] of laws) {
    try {
      await run();
      checks.push({ law, passed: true });
    } catch (e) {
      const explanation = e instanceof LawBroken ? e.message : `your function threw: ${e instanceof Error ? e.message : String(e)}`;
      checks.push({ law, passed: false, explanation });
    }
  }
  const passed = checks.every((c) => c.passed);
  const lines = checks.map((c) => (c.passed ? `✓ ${c.law}` : `✗ ${c.law}\n    ${c.explanation!.split('\n').join('\n    ')}`));
  const verdict = passed ? `${exercise}: all ${checks.length} checks passed.` : `${exercise}: ${checks.filter((c) => !c.passed).length} of ${checks.length} checks failed.`;
  return { exercise, passed, checks, summary: [verdict, ...lines].join('\n') };
}

/**
 * Calls the student's function and reads its answer as numbers, freeing every tensor it made (students
 * need not use tf.tidy). `size` is how many numbers the answer must hold; `what` describes it; a tensor
 * answer must have `shape` when one is given.
 */
export async function callStudent(call: () => StudentNumber | tf.Tensor, size: number, what: string, shape?: readonly number[]): Promise<Float32Array | number[]> {
  tf.engine().startScope();
  try {
    const answer = await call();
    if (typeof answer === 'number') {
      if (size !== 1) throw new LawBroken(`your function returned the single number ${answer}; it should return ${what}.`);
      return [answer];
    }
    if (!(answer instanceof tf.Tensor)) throw new LawBroken(`your function returned ${describe(answer)}; it should return ${what} (a number or a tensor).`);
    const wrongShape = shape !== undefined && (answer.rank !== shape.length || answer.shape.some((d, i) => d !== shape[i]));
    if (answer.size !== size || wrongShape) throw new LawBroken(`your function returned a tensor of shape [${answer.shape.join(', ')}] (${answer.size} numbers); it should return ${what}.`);
    return (await answer.data()) as Float32Array;
  } finally {
    tf.engine().endScope();
  }
}

/** The mean and the standard error of the mean. */
export function meanAndError(values: readonly number[]): { mean: number; error: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, error: Math.sqrt(variance / values.length) };
}

/** A number as a student reads it. */
export function show(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (undefined) — did you forget `return`?';
  if (Array.isArray(value)) return `an array of ${value.length} values`;
  return `a ${typeof value}`;
}

/** Throws a ValidationError naming the checker when the student's answer is not a function. */
export function checkFunction(where: string, name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new ValidationError(where, name, 'be the function to check', fn);
}
