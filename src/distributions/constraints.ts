/**
 * Declarative constraints on parameters and values (torch's `constraints`):
 * a rule in words and a check over the flat values and their shape.
 */
export interface Constraint {
  /** Completes "`scale` must …", e.g. `be positive`. */
  readonly rule: string;
  /** The flat index of the first value that breaks the rule, or -1. */
  firstViolation(values: ArrayLike<number>, shape: readonly number[]): number;
}

function elementwise(rule: string, ok: (v: number) => boolean): Constraint {
  return {
    rule,
    firstViolation(values) {
      for (let i = 0; i < values.length; i++) if (!ok(values[i] as number)) return i;
      return -1;
    },
  };
}

const simplex: Constraint = {
  rule: 'be non-negative and sum to 1 along the last axis',
  firstViolation(values, shape) {
    const k = shape[shape.length - 1] ?? 1;
    for (let start = 0; start < values.length; start += k) {
      let total = 0;
      for (let i = start; i < start + k; i++) {
        const v = values[i] as number;
        if (!(v >= 0)) return i;
        total += v;
      }
      if (Math.abs(total - 1) > 1e-5 * k) return start;
    }
    return -1;
  },
};

const lowerCholesky: Constraint = {
  rule: 'be lower-triangular with a positive diagonal',
  firstViolation(values, shape) {
    const d = shape[shape.length - 1] ?? 1;
    for (let start = 0; start < values.length; start += d * d) {
      for (let r = 0; r < d; r++) {
        for (let c = 0; c < d; c++) {
          const i = start + r * d + c;
          const v = values[i] as number;
          if (c > r ? v !== 0 : c === r ? !(v > 0 && v < Infinity) : !Number.isFinite(v)) return i;
        }
      }
    }
    return -1;
  },
};

/**
 * The constraints `latent`'s distributions declare for their parameters and
 * supports; a custom distribution passes one to `parameter` or `checkValue`.
 *
 * @example
 * ```ts
 * constraints.positive.firstViolation([1, 2, -3], [3]); // 2
 * this.scale = this.parameter('scale', scale, constraints.positive); // in a subclass constructor
 * ```
 */
export const constraints = {
  /** Not NaN (±Infinity allowed, e.g. a logit of -Infinity). */
  real: elementwise('not be NaN', (v) => !Number.isNaN(v)),
  /** Finite real numbers. */
  finite: elementwise('be finite', (v) => Number.isFinite(v)),
  /** Strictly positive, finite. */
  positive: elementwise('be positive and finite', (v) => v > 0 && v < Infinity),
  /** Non-negative: 0 or more (+Infinity allowed), e.g. the support of Exponential. */
  nonNegative: elementwise('be non-negative', (v) => v >= 0),
  /** In [0, 1]. */
  unitInterval: elementwise('be in [0, 1]', (v) => v >= 0 && v <= 1),
  /** 0 or 1. */
  boolean: elementwise('be 0 or 1', (v) => v === 0 || v === 1),
  /** 0, 1, 2, …: the support of the count distributions. */
  nonNegativeInteger: elementwise('be a non-negative integer', (v) => Number.isInteger(v) && v >= 0),
  /** An integer in [0, n). */
  integerBelow(n: number): Constraint {
    return elementwise(`be an integer in [0, ${n - 1}]`, (v) => Number.isInteger(v) && v >= 0 && v < n);
  },
  /** Non-negative along the last axis and summing to 1 there (within float32 rounding). */
  simplex,
  /** Lower-triangular square matrices (last two axes) with a positive diagonal. */
  lowerCholesky,
};
