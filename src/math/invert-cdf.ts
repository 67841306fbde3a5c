import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from './stop-gradient';

/**
 * What {@link invertCdf} solves: cdf(x; θ) = p elementwise for x in [0, upper]. Each function
 * gets the parameters θ (and p) as tensors of one shape; all but `cdf` get copies cut off from
 * the gradient, so that their partial derivatives — infinite or NaN in the tails — never meet
 * a zero gradient (0 · ∞ is NaN).
 */
export interface CdfInversion {
  parameters: tf.Tensor[];
  /** The probabilities, of the parameters' shape. */
  p: tf.Tensor;
  /** cdf(x) − p computed more accurately than the subtraction (in the smaller tail); that subtraction when omitted. */
  residual?: (x: tf.Tensor, parameters: tf.Tensor[], p: tf.Tensor) => tf.Tensor;
  /** The cdf, differentiable in x and the parameters: where the gradient comes from. */
  cdf: (x: tf.Tensor, parameters: tf.Tensor[]) => tf.Tensor;
  /** The log of its derivative (the density), for x strictly inside. */
  logDensity: (x: tf.Tensor, parameters: tf.Tensor[]) => tf.Tensor;
  /** The derivative of that log-density in x (for Halley's correction). */
  logDensitySlope: (x: tf.Tensor, parameters: tf.Tensor[]) => tf.Tensor;
  /** A first guess strictly inside (0, upper). */
  start: (parameters: tf.Tensor[], p: tf.Tensor) => tf.Tensor;
  upper: number;
  iterations: number;
}

/**
 * Solves cdf(x) = p by Halley steps kept inside a bracket: each step narrows
 * [lo, hi] to the side of the root, and a step that would leave it bisects
 * instead (doubles x while hi is infinite). The iterations run without
 * gradients; the result carries those of one more Newton step, ∂x/∂p = 1/f(x)
 * and ∂x/∂θ = −(∂F/∂θ)/f(x) — the implicit function theorem — without moving
 * x. What float32 allows: x is off by about (the residual's error) / f(x).
 */
export function invertCdf(problem: CdfInversion): tf.Tensor {
  const { cdf, logDensity, logDensitySlope, upper, iterations } = problem;
  const residual = problem.residual ?? ((x, parameters, p) => tf.sub(cdf(x, parameters), p));
  return tf.tidy(() => {
    const parameters = problem.parameters.map((t) => stopGradient(t));
    const p = stopGradient(problem.p);
    let x = problem.start(parameters, p);
    let lo = tf.zerosLike(x);
    let hi = tf.fill(x.shape, upper);
    for (let i = 0; i < iterations; i++) {
      const [nextX, nextLo, nextHi] = tf.tidy(() => {
        const r = residual(x, parameters, p);
        const below = tf.less(r, 0);
        const newLo = tf.where(below, x, lo);
        const newHi = tf.where(below, hi, x);
        // Halley: the Newton step u = r/f shortened by 1 − ½ u f'/f (the correction capped as in Numerical Recipes).
        const u = tf.div(r, tf.exp(logDensity(x, parameters)));
        const newton = tf.sub(x, tf.div(u, tf.sub(1, tf.mul(0.5, tf.minimum(tf.mul(u, logDensitySlope(x, parameters)), 1)))));
        const inside = tf.logicalAnd(tf.greater(newton, newLo), tf.less(newton, newHi)); // false for NaN
        const bisect = tf.where(tf.less(newHi, Infinity), tf.mul(tf.add(newLo, newHi), 0.5), tf.mul(x, 2));
        // At the root, or where the step is below x's last digit, x stays (bisecting there would jump away).
        const settled = tf.logicalOr(tf.equal(r, 0), tf.equal(newton, x));
        return [tf.where(settled, x, tf.where(inside, newton, bisect)), newLo, newHi];
      });
      tf.dispose([x, lo, hi]);
      [x, lo, hi] = [nextX, nextLo, nextHi];
    }
    return withImplicitGradient(x, cdf(x, problem.parameters), problem.p, tf.exp(logDensity(x, parameters)));
  });
}

/**
 * x (a solution of cdf(x) = p found without gradients) carrying the gradient of one more Newton
 * step, which does not move it: ∂x/∂p = 1/f and ∂x/∂θ = −(∂F/∂θ)/f, the implicit function
 * theorem. `cdfAtX` is differentiable in p's parameters, `density` is not; where the density is 0
 * or x infinite, no gradient.
 */
export function withImplicitGradient(x: tf.Tensor, cdfAtX: tf.Tensor, p: tf.Tensor, density: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const usable = tf.logicalAnd(tf.greater(density, 0), tf.less(tf.abs(x), Infinity));
    const step = tf.div(tf.sub(cdfAtX, p), tf.where(usable, density, tf.onesLike(density)));
    return tf.sub(x, tf.where(usable, tf.sub(step, stopGradient(step)), tf.zerosLike(step)));
  });
}
