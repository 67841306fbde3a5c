import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomNormal } from '../../src/index';
import { exactPosterior } from '../estimators/linear-gaussian';
import { describeEachBackend, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';
import { linearGaussianModel, linearGaussianVAE } from './linear-gaussian-vae';

// VAE.diagnostics on the linear-Gaussian VAE with the exact posterior, on N = 800 points drawn
// from the model: every term has a closed form.
const N = 800;

async function modelData(): Promise<number[][]> {
  const m = linearGaussianModel([]);
  const [z, e] = [await values(randomNormal([N, 2], { seed: 11 })), await values(randomNormal([N, 3], { seed: 12 }))];
  return Array.from({ length: N }, (_, i) => m.W.map((row, d) => row[0]! * z[2 * i]! + row[1]! * z[2 * i + 1]! + m.b[d]! + m.sigma * e[3 * i + d]!));
}

/** The per-point means of E_q[log p(x | z)] and KL(q ‖ p) for the exact posterior, in float64, and its variances. */
function closedForms(x: number[][]): { recon: number; kl: number; v: number[] } {
  const m = linearGaussianModel(x);
  const { mean, cov } = exactPosterior(m);
  const v = [cov[0]![0]!, cov[1]![1]!];
  const s2 = m.sigma ** 2;
  let recon = 0;
  let kl = 0;
  x.forEach((row, n) => {
    const mu = mean[n]!;
    row.forEach((xd, d) => {
      const fit = m.W[d]![0]! * mu[0]! + m.W[d]![1]! * mu[1]! + m.b[d]!;
      const spread = m.W[d]![0]! ** 2 * v[0]! + m.W[d]![1]! ** 2 * v[1]!;
      recon += -0.5 * Math.log(2 * Math.PI * s2) - ((xd - fit) ** 2 + spread) / (2 * s2);
    });
    kl += 0.5 * mu.reduce((s, u, l) => s + u * u + v[l]! - 1 - Math.log(v[l]!), 0);
  });
  return { recon: recon / x.length, kl: kl / x.length, v };
}

describeEachBackend('VAE.diagnostics', () => {
  it('on the exact linear-Gaussian VAE: reconstruction, KL, mutual information and activity match their closed forms', async () => {
    const x = await modelData();
    const { recon, kl, v } = closedForms(x);
    const { vae, dispose } = linearGaussianVAE(x);
    const d = await vae.diagnostics(x, { numSamples: 8, seed: 3 });
    // Reconstruction: Monte Carlo over 6,400 draws of a term with sd ≈ 2: 0.05 is 4 standard errors.
    expect(Math.abs(d.reconstruction - recon)).toBeLessThan(0.05);
    expect(Math.abs(d.kl - kl)).toBeLessThan(1e-4 * kl + 1e-5); // closed form on both sides
    expect(d.elbo).toBeCloseTo(d.reconstruction - d.kl, 10);
    expect(d.marginalKL).toBeCloseTo(d.kl - d.mutualInformation, 10);
    // The model's I(x; z) = −½ Σ log v_l; the estimate from N points (aggregate posterior of 800
    // components, biased by at most a few hundredths here) lands within 0.06.
    const information = -0.5 * (Math.log(v[0]!) + Math.log(v[1]!));
    expect(Math.abs(d.mutualInformation - information)).toBeLessThan(0.06);
    expect(Math.abs(d.marginalKL)).toBeLessThan(0.06);
    // Cov_x(E[z | x]) = I − V: both units active, within 4 sampling sd of Var over 800 points (±20%).
    d.activity.forEach((a, l) => expect(Math.abs(a - (1 - v[l]!))).toBeLessThan(0.2 * (1 - v[l]!)));
    expect(d.activeUnits).toBe(2);
    dispose();
  });

  it("klWeight β: fit's loss is −(E_q[log p(x | z)] − β KL) per point", async () => {
    const x = await modelData();
    const { recon, kl } = closedForms(x);
    for (const klWeight of [1, 3]) {
      const { vae, dispose } = linearGaussianVAE(x, { klWeight, optimizer: tf.train.sgd(0), numSamples: 16 });
      const { losses } = await vae.fit(x, { steps: 1, batchSize: N });
      // Monte Carlo over 16 draws per point of 800: 0.1 is over 4 standard errors; β = 3 moves the loss by 2 KL ≈ 3.
      expect(Math.abs((losses[0] as number) - -(recon - klWeight * kl))).toBeLessThan(0.1);
      dispose();
    }
  });

  it('leaks nothing, is reproducible for a seed, and names bad options', async () => {
    const x = [[0.1, 0.2, 0.3], [1, -1, 0.5], [2, 0, -1]];
    const { vae, dispose } = linearGaussianVAE(x);
    await expectNoLeak(() => vae.diagnostics(x, { seed: 1 }));
    expect(await vae.diagnostics(x, { seed: 4 })).toEqual(await vae.diagnostics(x, { seed: 4 }));
    await expect(vae.diagnostics(x, { numSamples: 0 })).rejects.toThrow('VAE.diagnostics: numSamples must be a positive integer');
    await expect(vae.diagnostics(x, { activityThreshold: -1 })).rejects.toThrow('VAE.diagnostics: activityThreshold must be a non-negative number');
    await expect(vae.diagnostics([[1, NaN, 2]])).rejects.toThrow('VAE.diagnostics: x must be finite');
    dispose();
  });
});
