// What the two browser tests (test/browser/run.mjs, test/site/run.mjs) share: Debian's headless chromium
// with WebGPU and WebGL on SwiftShader, and the `ok`/`FAIL` line per check.
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** A fresh browser profile in `profileDir` (playwright options such as `viewport` pass through). */
export function launchChromium(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, ...options });
}

/** Counts checks and prints one line each: `ok LABEL` or `FAIL LABEL: DETAIL`. */
export function createReporter() {
  const counts = { passed: 0, failed: 0 };
  const report = (ok, label, detail = '') => {
    counts[ok ? 'passed' : 'failed']++;
    console.log(`${ok ? 'ok' : 'FAIL'} ${label}${ok || !detail ? '' : `: ${detail}`}`);
  };
  return { report, counts };
}
