export { type Activation } from './activation';
export { Dense, type DenseOptions } from './dense';
export { glorotUniform } from './glorot-uniform';
export { MLP, type MLPOptions } from './mlp';
export { collectVariables, network, type Network } from './network';
export { loadWeights, saveWeights, type SavedWeights, type WeightOwner } from './weights';
