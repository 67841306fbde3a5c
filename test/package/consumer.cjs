// The packed `latent` from Node CommonJS.
const tf = require('@tensorflow/tfjs-core');
const { initBackend, LatentError, logSumExp, softplus, ValidationError } = require('latent');
const { checkConsumer } = require('./checks.cjs');

checkConsumer(tf, { initBackend, LatentError, logSumExp, softplus, ValidationError }).then(console.log, (e) => {
  console.error(e);
  process.exitCode = 1;
});
