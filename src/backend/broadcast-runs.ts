/**
 * Walks the broadcast of `shapes` to `outShape` (numpy's rule, already
 * checked) as runs along the last axis: for each run, `visit(outStart,
 * starts, steps, length)` gets the run's offset in the output, each input's
 * offset and step (1, or 0 where that input is broadcast along the run). Axes
 * that broadcast alike are merged first, so equal shapes, or a tensor with a
 * scalar, make one run.
 */
export function forEachBroadcastRun(
  outShape: readonly number[],
  shapes: readonly (readonly number[])[],
  visit: (outStart: number, starts: number[], steps: number[], length: number) => void,
): void {
  const rank = outShape.length;
  const aligned = shapes.map((s) => [...new Array<number>(rank - s.length).fill(1), ...s]);
  // Merged axes: their size, and for each input whether it is broadcast along them.
  const sizes: number[] = [];
  const broadcast: boolean[][] = [];
  for (let axis = 0; axis < rank; axis++) {
    const size = outShape[axis] as number;
    if (size === 1) continue;
    const flags = aligned.map((s) => s[axis] === 1);
    const last = broadcast[broadcast.length - 1];
    if (last !== undefined && last.every((f, i) => f === flags[i])) {
      sizes[sizes.length - 1] = (sizes[sizes.length - 1] as number) * size;
    } else {
      sizes.push(size);
      broadcast.push(flags);
    }
  }
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const merged = sizes.length;
  if (merged === 0) {
    visit(0, shapes.map(() => 0), shapes.map(() => 0), 1);
    return;
  }
  // strides[i][axis]: input i's stride along a merged axis (0 where broadcast).
  const strides = shapes.map((_, i) => {
    const own = new Array<number>(merged).fill(0);
    let stride = 1;
    for (let axis = merged - 1; axis >= 0; axis--) {
      if ((broadcast[axis] as boolean[])[i]) continue;
      own[axis] = stride;
      stride *= sizes[axis] as number;
    }
    return own;
  });
  const length = sizes[merged - 1] as number;
  const steps = strides.map((s) => s[merged - 1] as number);
  const index = new Array<number>(merged - 1).fill(0);
  for (let outStart = 0; outStart < total; outStart += length) {
    const starts = strides.map((s) => {
      let offset = 0;
      for (let axis = 0; axis < merged - 1; axis++) offset += (index[axis] as number) * (s[axis] as number);
      return offset;
    });
    visit(outStart, starts, steps, length);
    for (let axis = merged - 2; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (sizes[axis] as number)) break;
      index[axis] = 0;
    }
  }
}
