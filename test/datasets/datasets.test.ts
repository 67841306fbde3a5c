import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { checkerboard, digits, eightGaussians, iris, pinwheel, rings, twoMoons } from 'latent/datasets';
import { describeEachBackend, expectClose, values } from '../helpers/backends';
import { expectNoLeak } from '../helpers/no-leak';

const raw = (path: string) => new URL(`../../src/datasets/data/${path}`, import.meta.url);

it('iris: 150 rows of 4 measurements, 50 per species, as the CSV', async () => {
  const { x, labels, classNames } = iris();
  expect(x.shape).toEqual([150, 4]);
  expect(classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  const csv = readFileSync(raw('iris/iris.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  expectClose(await values(x), csv.flatMap((r) => r.slice(0, 4)), { rtol: 1e-7 });
  expect(await values(labels)).toEqual(csv.map((r) => r[4]));
});

it('digits: the CSV binarised at 8 of 16 (or grey levels / 16), split 1500 / 297', async () => {
  const csv = gunzipSync(readFileSync(raw('digits/digits.csv.gz'))).toString().trim().split('\n').map((l) => l.split(',').map(Number));
  const all = digits();
  expect(all.x.shape).toEqual([1797, 64]);
  expect(await values(all.x)).toEqual(csv.flatMap((r) => r.slice(0, 64).map((v) => (v >= 8 ? 1 : 0))));
  expect(await values(all.labels)).toEqual(csv.map((r) => r[64]));
  const grey = digits({ split: 'test', binarize: false });
  expect(grey.x.shape).toEqual([297, 64]);
  expectClose(await values(grey.x), csv.slice(1500).flatMap((r) => r.slice(0, 64).map((v) => v / 16)), { rtol: 1e-7 });
  const train = digits({ split: 'train' });
  expect(train.x.shape).toEqual([1500, 64]);
  tf.dispose([grey.labels, train.x, train.labels]);
  expect(() => digits({ split: 'validation' as never })).toThrow("digits: split must be 'train', 'test' or 'all' (got \"validation\")");
});

describeEachBackend('toy densities', () => {
  const generators = { twoMoons, eightGaussians, checkerboard, pinwheel, rings };

  it('are seeded, [n, 2], and leak nothing', async () => {
    for (const [name, generate] of Object.entries(generators)) {
      const a = await values(generate(500, { seed: 3 }));
      expect(a.length, name).toBe(1000);
      expect(await values(generate(500, { seed: 3 })), name).toEqual(a);
      expect(await values(generate(500, { seed: 4 })), name).not.toEqual(a);
      await expectNoLeak(() => generate(10, { seed: 1 }));
      expect(() => generate(0)).toThrow(`${name}: n must be a positive integer (got 0)`);
    }
  });

  it('have the shapes of FFJORD toy data', async () => {
    const n = 20_000;
    // checkerboard: every point on a black square of side 2 in [−4, 4]² (the squares where ⌊x/2⌋ + ⌊y/2⌋ is even).
    const board = await values(checkerboard(n, { seed: 1 }));
    for (let i = 0; i < n; i++) {
      const [x, y] = [board[2 * i]!, board[2 * i + 1]!];
      expect(Math.abs(x) <= 4 && Math.abs(y) <= 4).toBe(true);
      expect(((Math.floor(x / 2) + Math.floor(y / 2)) % 2 + 2) % 2).toBe(0);
    }
    // eight Gaussians: every point within 6 sd (0.5 / 1.414) of one of the eight centres.
    const r = 4 / 1.414;
    const centres = Array.from({ length: 8 }, (_, k) => [r * Math.cos((k * Math.PI) / 4), r * Math.sin((k * Math.PI) / 4)]);
    const eight = await values(eightGaussians(n, { seed: 2 }));
    for (let i = 0; i < n; i++) {
      const d = Math.min(...centres.map(([cx, cy]) => Math.hypot(eight[2 * i]! - cx!, eight[2 * i + 1]! - cy!)));
      expect(d).toBeLessThan((6 * 0.5) / 1.414);
    }
    // rings: radii 0.75·k, noise sd 0.08 — every point within 5 sd of a ring.
    const ring = await values(rings(n, { seed: 3 }));
    for (let i = 0; i < n; i++) {
      const radius = Math.hypot(ring[2 * i]!, ring[2 * i + 1]!);
      expect(Math.min(...[0.75, 1.5, 2.25, 3].map((c) => Math.abs(radius - c)))).toBeLessThan(0.4);
    }
    // two moons: make_moons has mean (0.5, 0.25), so FFJORD's ×2 − (1, 0.2) has mean (0, 0.3); sd of a mean here < 0.01.
    const moons = await values(twoMoons(n, { seed: 4 }));
    const mean = [0, 1].map((j) => moons.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / n);
    expectClose(mean, [0, 0.3], { atol: 0.03 });
    // pinwheel: five arms, symmetric about the origin: the mean is 0 (sd of a mean here < 0.02).
    const wheel = await values(pinwheel(n, { seed: 5 }));
    expectClose([0, 1].map((j) => wheel.filter((_, i) => i % 2 === j).reduce((s, v) => s + v, 0) / n), [0, 0], { atol: 0.08 });
  });
});
