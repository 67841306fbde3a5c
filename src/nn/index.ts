export { type Activation } from './activation';
export { Adam, type AdamOptions, type NamedWeight } from './adam';
export { Dense, type DenseOptions } from './dense';
export { glorotUniform } from './glorot-uniform';
export { MADE, type MADEOptions } from './made';
export { MLP, type MLPOptions } from './mlp';
export { collectVariables, network, type Network } from './network';
export { loadWeights, saveWeights, type SavedWeights, type WeightOwner } from './weights';
