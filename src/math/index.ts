export { expm1 } from './expm1';
export { gather } from './gather';
export { log1mExp } from './log1m-exp';
export { log1p } from './log1p';
export { log1pExp, softplus } from './log1p-exp';
export { logMeanExp, logSumExp } from './log-sum-exp';
export { stopGradient } from './stop-gradient';
export { sum } from './sum';
