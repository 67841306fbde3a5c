import * as tf from '@tensorflow/tfjs-core';
import { Normal } from 'latent';
import { callStudent, LawBroken, show, type StudentNumber } from './exercise-report';

/**
 * The exercises' model with a known evidence: z ~ N(0, 1), x | z ~ N(z, σ²). Then p(x) = N(x; 0, 1 + σ²),
 * the posterior is N(x / (1 + σ²), σ² / (1 + σ²)), and the ELBO of q = N(m, s) has a closed form.
 */
export function gaussianEvidenceModel(x: number, noise: number) {
  const v = 1 + noise * noise;
  const logJoint = (z: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.add(new Normal({ loc: 0, scale: 1 }).logProb(z), new Normal({ loc: z, scale: noise }).logProb(x)));
  const logEvidence = -0.5 * Math.log(2 * Math.PI * v) - (x * x) / (2 * v);
  const posterior = { loc: x / v, scale: noise / Math.sqrt(v) };
  const elbo = (m: number, s: number): number =>
    -0.5 * Math.log(2 * Math.PI) - 0.5 * (m * m + s * s) - 0.5 * Math.log(2 * Math.PI * noise * noise) - ((x - m) ** 2 + s * s) / (2 * noise * noise) + 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
  const q = ({ loc, scale }: { loc: number; scale: number }) => new Normal({ loc, scale });
  return { x, noise, logJoint, logEvidence, posterior, elbo, q };
}

/** An estimator of the exercises: (logJoint, q, n) → one number. */
type StudentEstimator = (logJoint: (z: tf.Tensor) => tf.Tensor, q: Normal, n: number) => StudentNumber;

/** One call of a student's estimator on `model` with q = N(loc, scale²), read as a number. */
export async function estimateOnce(student: StudentEstimator, model: GaussianEvidenceModel, q: { loc: number; scale: number }, n: number, what: string): Promise<number> {
  const distribution = model.q(q);
  try {
    return (await callStudent(() => student(model.logJoint, distribution, n), 1, what))[0]!;
  } finally {
    distribution.dispose();
  }
}

/** `repetitions` independent calls; refuses identical answers (a fixed seed), which cannot be averaged. */
export async function estimateMany(student: StudentEstimator, model: GaussianEvidenceModel, q: { loc: number; scale: number }, n: number, what: string, repetitions: number): Promise<number[]> {
  const values: number[] = [];
  for (let r = 0; r < repetitions; r++) values.push(await estimateOnce(student, model, q, n, what));
  if (values.every((v) => v === values[0])) {
    throw new LawBroken(`all ${repetitions} calls returned ${show(values[0]!)}: draw fresh samples in every call (no fixed seed), so that the checker can average independent estimates.`);
  }
  return values;
}

/**
 * The law "stays finite when the log-weights are far below zero": at x = 44 (σ = 1) with q the posterior,
 * every log-weight is log p(x) ≈ −485, whose exp underflows in float32; `count` names the draws (k or n).
 */
export async function checkFarTail(student: StudentEstimator, what: string, count: string): Promise<void> {
  const far = gaussianEvidenceModel(44, 1);
  const got = await estimateOnce(student, far, far.posterior, 10, what);
  if (Math.abs(got - far.logEvidence) <= 0.05) return;
  const why = Number.isFinite(got)
    ? `you returned ${show(got)}.${Math.abs(got - far.logEvidence - Math.log(10)) < 0.05 ? ' That is log p(x) + log 10: average the weights, do not sum them.' : ''}`
    : `you returned ${show(got)}: exp of log-weights near ${show(far.logEvidence)} underflows to 0 in float32 (anything below about −103 does), so log(mean(exp(log w))) is log 0. Use logSumExp(log w) − log ${count}, which subtracts the largest log-weight first.`;
  throw new LawBroken(`for x = 44 (σ = 1) with q the posterior, every log-weight is log p(x) = ${show(far.logEvidence)}, and so must be the answer; ${why}`);
}

/** The model's reference value of `estimator` at q, from many draws; its standard error is below 3e-3. */
export async function referenceValue(model: GaussianEvidenceModel, q: { loc: number; scale: number }, compute: (logJoint: (z: tf.Tensor) => tf.Tensor, q: Normal) => tf.Tensor): Promise<number> {
  const distribution = model.q(q);
  try {
    const t = compute(model.logJoint, distribution);
    const value = (await t.data())[0]!;
    t.dispose();
    return value;
  } finally {
    distribution.dispose();
  }
}

/** What {@link gaussianEvidenceModel} returns. */
export type GaussianEvidenceModel = ReturnType<typeof gaussianEvidenceModel>;
