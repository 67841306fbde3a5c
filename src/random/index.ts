export { randomNormal, randomUniform, type RandomNormalOptions, type RandomUniformOptions } from './sampling';
export { randomSeed, SeedStream, splitSeed, type Seed } from './seed';
