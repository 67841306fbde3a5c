// `latent` next to the union package @tensorflow/tfjs, imported in the order given
// (`node union.mjs tfjs-first` or `latent-first`); each import completes before the next.
// run.sh greps the output for registration warnings. Fails if latent replaces a gradient.
import checks from './checks.cjs';

const load = { tfjs: () => import('@tensorflow/tfjs'), latent: () => import('latent') };
const order = process.argv[2] === 'latent-first' ? ['latent', 'tfjs'] : ['tfjs', 'latent'];
const gradRegistry = () => new Map(globalThis._tfGlobals?.get('gradRegistry') ?? []);

const mod = {};
mod[order[0]] = await load[order[0]]();
const before = gradRegistry();
mod[order[1]] = await load[order[1]]();
const after = gradRegistry();
const replaced = [...before].filter(([kernel, config]) => after.get(kernel) !== config).length;

console.log(await checks.checkUnion(mod.tfjs, mod.latent));
// tfjs only warns about re-registered gradients in DEBUG mode, so look at the registry:
// latent registers a gradient only where none exists; tfjs's union package overwrites.
console.log(`importing ${order[1]} replaced ${replaced} of ${before.size} gradient registrations made by ${order[0]}`);
if (order[1] === 'latent' && replaced !== 0) {
  console.error('latent replaced gradients that @tensorflow/tfjs had registered');
  process.exit(1);
}
