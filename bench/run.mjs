/**
 * `npm run bench [-- workload...]`: runs the named workloads (by default all
 * but the long quality runs)
 * and prints ratios measured in this run. Needs `npm run build` (the npm
 * script does it).
 */
import { setBackend } from '../dist/index.js';
import { families } from './families.mjs';
import { flows } from './flows.mjs';
import { flowsDensity } from './flows-density.mjs';
import { gmm } from './gmm.mjs';
import { gradientVariance } from './gradient-variance.mjs';
import { iwaeCost } from './iwae-cost.mjs';
import { logDensity } from './log-density.mjs';
import { logProb } from './log-prob.mjs';
import { vae } from './vae.mjs';
import { vaeFlow } from './vae-flow.mjs';

const WORKLOADS = {
  'log-density': logDensity,
  'log-prob': logProb,
  families,
  flows,
  'flows-density': flowsDensity,
  'iwae-cost': iwaeCost,
  'gradient-variance': gradientVariance,
  gmm,
  vae,
  'vae-flow': vaeFlow,
};

const backends = ['cpu', 'wasm'];
try {
  await setBackend('webgpu');
  backends.push('webgpu');
} catch (e) {
  console.log(`(webgpu left out: ${e.message})`);
}

// Quality runs that train for many minutes: only when named (`npm run bench flows-density`).
const LONG = ['flows-density', 'vae-flow'];
const chosen = process.argv.slice(2);
if (chosen.length === 0) console.log(`(not run by default, name them to run: ${LONG.join(', ')})`);
for (const name of chosen.length > 0 ? chosen : Object.keys(WORKLOADS).filter((w) => !LONG.includes(w))) {
  const workload = WORKLOADS[name];
  if (!workload) throw new Error(`unknown workload '${name}'; known: ${Object.keys(WORKLOADS).join(', ')}`);
  await workload({ backends });
}
