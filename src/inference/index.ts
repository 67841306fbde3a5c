export {
  EMError,
  expectationMaximization,
  type EMIteration,
  type EMOptions,
  type EMResult,
  type EStepResult,
} from './expectation-maximization';
export { BernoulliMixture, type BernoulliMixtureFitOptions, type BernoulliMixtureOptions, type BernoulliMixtureSample, type BernoulliReconstruction, type BinaryMatrix } from './bernoulli-mixture';
export { ProbabilisticPCA, type ProbabilisticPCAOptions } from './probabilistic-pca';
export { GaussianMixture, type CovarianceType, type GaussianMixtureFitOptions, type GaussianMixtureInit, type GaussianMixtureOptions, type GaussianMixtureSample } from './gaussian-mixture';
