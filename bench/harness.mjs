/**
 * Benchmark helpers: median of repeated runs, a table of ratios against a
 * baseline measured in the same run (the machine is shared and noisy, so a
 * bare time means little; a ratio measured side by side does), and PyTorch
 * baselines run as child processes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Debian's Python, which has python3-torch (and scikit-learn) when installed. */
export const PYTHON = '/usr/bin/python3';

/** Whether {@link PYTHON} can import torch. */
export function torchAvailable() {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Python script kept alive between rounds, on one thread: `request(line)`
 * writes a line to its stdin and resolves to the JSON line it answers.
 */
export function pythonServer(script, args = []) {
  const child = spawn(PYTHON, [script, ...args], {
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async request(line) {
      child.stdin.write(`${line}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error(`${script} exited early`);
      return JSON.parse(value);
    },
    close() {
      child.stdin.end();
    },
  };
}

/** The median of an array of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time in ms of `runs` calls of `fn` (awaited), after `warmup` calls. */
export async function medianMs(fn, { runs = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  return median(await timesMs(fn, runs));
}

/** The wall times in ms of `runs` calls of `fn` (awaited). */
export async function timesMs(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * Prints rows `{ name, ms }` as ratios to the row named `baseline`
 * (ratio > 1: slower than the baseline), with the median times beside them.
 */
export function printRatios(title, rows, baseline) {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}  (median of runs; ratio = time / ${baseline})`);
  for (const { name, ms, note } of rows) {
    const ratio = base ? (ms / base.ms).toFixed(2) : 'n/a';
    console.log(`  ${name.padEnd(22)} ${String(ratio).padStart(8)}x   (${ms.toFixed(2)} ms)${note ? `  ${note}` : ''}`);
  }
}
