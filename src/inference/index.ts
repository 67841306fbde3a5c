export {
  EMError,
  expectationMaximization,
  type EMIteration,
  type EMOptions,
  type EMResult,
  type EStepResult,
} from './expectation-maximization';
export { BernoulliMixture, type BernoulliMixtureFitOptions, type BernoulliMixtureOptions, type BernoulliMixtureSample, type BernoulliReconstruction, type BinaryMatrix, type SavedBernoulliMixture } from './bernoulli-mixture';
export { ProbabilisticPCA, type ProbabilisticPCAOptions, type SavedProbabilisticPCA } from './probabilistic-pca';
export { GaussianMixture, type CovarianceType, type GaussianMixtureFitOptions, type GaussianMixtureInit, type GaussianMixtureOptions, type GaussianMixtureSample, type SavedGaussianMixture } from './gaussian-mixture';
export type { SavedFitTrace, SavedHeader } from './saved-model';
export type { TrainingData, TrainingOptions, TrainingResult, TrainingStep } from './training-loop';
export { SVI, type SVIBatch, type SVIData, type SVIFitOptions, type SVIFitResult, type SVIObjective, type SVIOptions, type SVIStep } from './svi';
export { MeanFieldGuide, meanFieldGuide, type MeanFieldGuideOptions } from './mean-field-guide';
export {
  VAE,
  type SavedVAE,
  type VAEDiagnostics,
  type VAEDiagnosticsOptions,
  type VAEFitOptions,
  type VAELikelihood,
  type VAELogLikelihoodOptions,
  type VAEOptions,
} from './vae';
