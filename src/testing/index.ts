/**
 * `latent/testing`: the conformance kit. Properties that any `Distribution`
 * (built into latent or written elsewhere) must satisfy, checked with
 * fast-check. Needs the `fast-check` package.
 *
 * @packageDocumentation
 */
export { conformanceChecks, type ConformanceOptions, type DistributionFamily, type ParameterValues } from './conformance';
