/**
 * `latent/testing`: the conformance kit — properties that any `Distribution`
 * (built into latent or written elsewhere) must satisfy, checked with
 * fast-check — and checkers for course exercises (`checkIwae`,
 * `checkImportanceSampling`, `checkKL`, `checkEStep`), which test a student's
 * function against the laws and explain a failure in words. Needs the
 * `fast-check` package.
 *
 * @packageDocumentation
 */
export { conformanceChecks, type ConformanceOptions, type DistributionFamily, type ParameterValues } from './conformance';
export { checkEStep, type EStepExerciseOptions, type StudentEStep } from './check-e-step';
export { checkImportanceSampling, type StudentImportanceSampling } from './check-importance-sampling';
export { checkIwae, type ExerciseOptions, type StudentIwae } from './check-iwae';
export { checkKL, type KLExerciseOptions, type StudentKL } from './check-kl';
export type { ExerciseCheck, ExerciseReport, StudentNumber } from './exercise-report';
