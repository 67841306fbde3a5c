export { naiveMonteCarlo, type NaiveMonteCarloOptions } from './naive-monte-carlo';
export { importanceSampling, type ImportanceSamplingOptions, type ImportanceSamplingResult } from './importance-sampling';
export { elbo, type ElboOptions, type ElboJointOptions, type ElboAnalyticKLOptions } from './elbo';
export { iwae, type IwaeOptions } from './iwae';
export { elboTerms, type ElboTerms, type ElboTermsOptions } from './elbo-terms';
export { elboLoss, type ElboLossOptions } from './elbo-loss';
export { iwaeLoss, type IwaeLossOptions } from './iwae-loss';
export type { GradientEstimator } from './surrogate-loss';
export type { LogDensity } from './types';
