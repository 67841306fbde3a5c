export {
  EMError,
  expectationMaximization,
  type EMIteration,
  type EMOptions,
  type EMResult,
  type EStepResult,
} from './expectation-maximization';
