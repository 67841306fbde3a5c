/**
 * `node examples/iris-ellipses.mjs` (after `npm run build`): fits K = 3
 * Gaussians to petal length and width of the iris data and writes
 * out/iris-ellipses.svg: the flowers coloured by species and each
 * component's 1- and 2-standard-deviation ellipses (Mahalanobis distance 1
 * and 2, from its 2×2 covariance). Plain SVG strings, no dependency.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { GaussianMixture, initBackend } from '../dist/index.js';
import { iris } from '../dist/datasets.js';

// `node examples/iris-ellipses.mjs cpu` picks a backend; the default is the first that works here.
await initBackend(process.argv[2] ? { prefer: [process.argv[2]] } : {});
const data = iris();
const species = data.classNames;
const points = (await data.x.array()).map((r) => [r[2], r[3]]); // petal length, petal width (cm)
const truth = Array.from(await data.labels.data());

const X = tf.tensor(points);
const gmm = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 0, nInit: 5 });
await gmm.fit(X);
const means = await gmm.means.array(); // [3, 2]
const covariances = await gmm.covariances.array(); // [3, 2, 2]
const weights = Array.from(await gmm.weights.data());
gmm.dispose?.();
X.dispose();

// Plot area: data ranges padded, the same scale on both axes so the ellipses keep their shape.
const [xMin, xMax, yMin, yMax] = [0, 7.5, -0.5, 3];
const scale = 80; // pixels per cm
const margin = { left: 60, right: 170, top: 20, bottom: 50 };
const plotW = (xMax - xMin) * scale;
const plotH = (yMax - yMin) * scale;
const px = (x) => margin.left + (x - xMin) * scale;
const py = (y) => margin.top + (yMax - y) * scale;
const colours = ['#1b9e77', '#d95f02', '#7570b3'];
const f = (v) => v.toFixed(2);

/** The closed path μ + r·L·(cos t, sin t), L the Cholesky factor of the 2×2 covariance: Mahalanobis distance r. */
function ellipsePath([mx, my], [[a, b], [, c]], r) {
  const l11 = Math.sqrt(a);
  const l21 = b / l11;
  const l22 = Math.sqrt(c - l21 * l21);
  const steps = 96;
  const pts = Array.from({ length: steps }, (_, i) => {
    const t = (2 * Math.PI * i) / steps;
    const [u, v] = [r * Math.cos(t), r * Math.sin(t)];
    return `${f(px(mx + l11 * u))},${f(py(my + l21 * u + l22 * v))}`;
  });
  return `M${pts.join('L')}Z`;
}

const svg = [];
svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${margin.left + plotW + margin.right}" height="${margin.top + plotH + margin.bottom}" font-family="sans-serif" font-size="12">`);
svg.push(`<rect width="100%" height="100%" fill="white"/>`);
svg.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
for (let x = Math.ceil(xMin); x <= xMax; x++) {
  svg.push(`<line x1="${px(x)}" y1="${py(yMin)}" x2="${px(x)}" y2="${py(yMin) + 5}" stroke="#333"/><text x="${px(x)}" y="${py(yMin) + 18}" text-anchor="middle">${x}</text>`);
}
for (let y = Math.ceil(yMin); y <= yMax; y += 0.5) {
  svg.push(`<line x1="${px(xMin) - 5}" y1="${py(y)}" x2="${px(xMin)}" y2="${py(y)}" stroke="#333"/><text x="${px(xMin) - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
}
svg.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 40}" text-anchor="middle">petal length (cm)</text>`);
svg.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">petal width (cm)</text>`);
points.forEach(([x, y], i) => svg.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${colours[truth[i]]}" fill-opacity="0.7"/>`));
means.forEach((mean, k) => {
  for (const r of [1, 2]) {
    svg.push(`<path d="${ellipsePath(mean, covariances[k], r)}" fill="none" stroke="#222" stroke-width="${r === 1 ? 1.8 : 1}"${r === 2 ? ' stroke-dasharray="5 3"' : ''}/>`);
  }
  svg.push(`<path d="M${f(px(mean[0]) - 5)},${f(py(mean[1]))}h10M${f(px(mean[0]))},${f(py(mean[1]) - 5)}v10" stroke="#222" stroke-width="1.5"/>`);
  // The weight, just right of the 2-sd ellipse (its horizontal half-width is 2·sqrt(Σ₁₁)).
  svg.push(`<text x="${f(px(mean[0] + 2 * Math.sqrt(covariances[k][0][0])) + 4)}" y="${f(py(mean[1]) + 4)}" fill="#222">π = ${weights[k].toFixed(2)}</text>`);
});
const legendX = margin.left + plotW + 15;
species.forEach((s, i) => svg.push(`<circle cx="${legendX + 5}" cy="${margin.top + 15 + 20 * i}" r="4" fill="${colours[i]}"/><text x="${legendX + 15}" y="${margin.top + 19 + 20 * i}">${s}</text>`));
svg.push(`<path d="M${legendX},${margin.top + 85}h20" stroke="#222" stroke-width="1.8"/><text x="${legendX + 25}" y="${margin.top + 89}">1 sd</text>`);
svg.push(`<path d="M${legendX},${margin.top + 105}h20" stroke="#222" stroke-dasharray="5 3"/><text x="${legendX + 25}" y="${margin.top + 109}">2 sd</text>`);
svg.push('</svg>');

mkdirSync('out', { recursive: true });
writeFileSync('out/iris-ellipses.svg', `${svg.join('\n')}\n`);
console.log(`wrote out/iris-ellipses.svg: ${means.length} components over ${points.length} flowers`);
