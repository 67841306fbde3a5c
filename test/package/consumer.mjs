// The packed `latent` from Node ESM (named imports are checked when the module links).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, LatentError, logSumExp, softplus, ValidationError } from 'latent';
import checks from './checks.cjs';

console.log(await checks.checkConsumer(tf, { initBackend, LatentError, logSumExp, softplus, ValidationError }));
