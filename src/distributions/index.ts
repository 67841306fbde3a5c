export { constraints, type Constraint } from './constraints';
export { Distribution, type DistributionOptions, type SampleOptions, type TensorInput } from './distribution';
export { kl, klMonteCarlo, registerKL, type DistributionClass, type KLFunction, type KLMonteCarloOptions } from './kl';
export { Normal, type NormalParameters } from './normal';
export { getValidateArgs, setValidateArgs } from './validation';
