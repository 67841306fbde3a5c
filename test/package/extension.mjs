// latent's extension path, from the packed package: a third-party distribution
// subclasses Distribution, registers its KL with registerKL, and passes the
// conformance kit from 'latent/testing' (which shares latent's KL registry).
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { constraints, Distribution, initBackend, kl, randomUniform, registerKL } from 'latent';
import { conformanceChecks } from 'latent/testing';

class Exponential extends Distribution {
  constructor({ rate }, options) {
    super('Exponential', options);
    this.rate = this.parameter('rate', rate, constraints.positive);
    this.setShapes(this.rate.shape, []);
  }
  get hasRsample() {
    return true;
  }
  sampleN(n, seed) {
    const u = randomUniform([n, ...this.batchShape], { seed });
    return tf.div(tf.neg(tf.log1p(tf.neg(u))), this.rate);
  }
  logProb(value) {
    return tf.tidy(() => {
      const x = this.checkValue(value);
      const inside = tf.sub(tf.log(this.rate), tf.mul(this.rate, x));
      return tf.where(tf.greaterEqual(x, 0), inside, tf.fill(inside.shape, -Infinity));
    });
  }
  mean() {
    return tf.tidy(() => tf.reciprocal(this.rate));
  }
  variance() {
    return tf.tidy(() => tf.reciprocal(tf.square(this.rate)));
  }
}

// KL(Exp(a) ‖ Exp(b)) = r − log r − 1 with r = b / a.
registerKL(Exponential, Exponential, (p, q) =>
  tf.tidy(() => {
    const r = tf.div(q.rate, p.rate);
    return tf.sub(tf.sub(r, tf.log(r)), 1);
  }),
);

await initBackend();
const family = {
  name: 'Exponential',
  parameters: fc.record({ rate: fc.array(fc.double({ min: 0.5, max: 5, noNaN: true }), { minLength: 2, maxLength: 2 }) }),
  create: ({ rate }) => new Exponential({ rate }),
  normalisation: 'continuous',
  integrationRange: () => [[0, 0], [40, 40]], // 20 decay lengths at the smallest rate
};
const checks = conformanceChecks(family, { numRuns: 2, seed: 5 });
for (const [name, check] of Object.entries(checks)) await check();
const value = await kl(new Exponential({ rate: 2 }), new Exponential({ rate: 1 })).data();
if (Math.abs(value[0] - (0.5 - Math.log(0.5) - 1)) > 1e-6) throw new Error(`kl through the registry: ${value[0]}`);
console.log(`Exponential passed ${Object.keys(checks).length} conformance checks; kl via registerKL ok`);
