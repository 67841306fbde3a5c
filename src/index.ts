/**
 * `latent`: probabilistic modelling with latent variables on TensorFlow.js.
 *
 * Importing it registers tfjs-core's gradients (and zero gradients for
 * comparison ops) into the shared tfjs engine; see docs/gradients.md.
 *
 * @packageDocumentation
 */
import './register-gradients';

export * from './backend/index';
export * from './bijectors/index';
export * from './distributions/index';
export * from './estimators/index';
export * from './inference/index';
export { BackendUnavailableError, DisposedError, LatentError, NonFiniteError, NotImplementedError, ShapeError, ValidationError } from './errors';
export * from './math/index';
export * from './nn/index';
export * from './random/index';
