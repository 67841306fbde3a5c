/**
 * Benchmark helpers: median of repeated runs, and a table of ratios against
 * a baseline measured in the same run (the machine is shared and noisy, so a
 * bare time means little; a ratio measured side by side does).
 */

/** Median wall time in ms of `runs` calls of `fn` (awaited), after `warmup` calls. */
export async function medianMs(fn, { runs = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
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
