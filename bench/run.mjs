/**
 * `npm run bench [-- workload...]`: runs the named workloads (all by default)
 * and prints ratios measured in this run. Needs `npm run build` (the npm
 * script does it).
 */
import { setBackend } from '../dist/index.js';
import { families } from './families.mjs';
import { flows } from './flows.mjs';
import { gmm } from './gmm.mjs';
import { gradientVariance } from './gradient-variance.mjs';
import { iwaeCost } from './iwae-cost.mjs';
import { logDensity } from './log-density.mjs';
import { logProb } from './log-prob.mjs';
import { vae } from './vae.mjs';

const WORKLOADS = {
  'log-density': logDensity,
  'log-prob': logProb,
  families,
  flows,
  'iwae-cost': iwaeCost,
  'gradient-variance': gradientVariance,
  gmm,
  vae,
};

const backends = ['cpu', 'wasm'];
try {
  await setBackend('webgpu');
  backends.push('webgpu');
} catch (e) {
  console.log(`(webgpu left out: ${e.message})`);
}

const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(WORKLOADS)) {
  const workload = WORKLOADS[name];
  if (!workload) throw new Error(`unknown workload '${name}'; known: ${Object.keys(WORKLOADS).join(', ')}`);
  await workload({ backends });
}
