// Plain SVG and canvas figures: line charts, signed bars, scatter plots, heat maps and digit images.
// Colours: Okabe & Ito's colour-blind-safe palette, and Paul Tol's "muted" scheme for ten classes.

export const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const CLASS_COLOURS = ['#332288', '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499', '#777777'];
const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceTicks(lo, hi, count = 5) {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const unit = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? 10 * step;
  const ticks = [];
  for (let t = Math.ceil(lo / unit) * unit; t <= hi + 1e-9 * span; t += unit) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A chart area of `width`×`height` with axes for [x0, x1] × [y0, y1]; returns the svg and the mapping. */
function axes(container, { width = 420, height = 220, x: [x0, x1], y: [y0, y1], xLabel = '', yLabel = '', logY = false, title }) {
  container.replaceChildren();
  const m = { left: 52, right: 10, top: 10, bottom: 36 };
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title ?? yLabel });
  const fy = (v) => (logY ? Math.log10(v) : v);
  const [ly0, ly1] = [fy(y0), fy(y1)];
  const sx = (v) => m.left + ((v - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const sy = (v) => height - m.bottom - ((fy(v) - ly0) / (ly1 - ly0 || 1)) * (height - m.top - m.bottom);
  const axis = { stroke: '#444', 'stroke-width': 1 };
  svg.append(svgEl('line', { x1: m.left, y1: height - m.bottom, x2: width - m.right, y2: height - m.bottom, ...axis }));
  svg.append(svgEl('line', { x1: m.left, y1: m.top, x2: m.left, y2: height - m.bottom, ...axis }));
  for (const t of niceTicks(x0, x1)) {
    svg.append(svgEl('text', { x: sx(t), y: height - m.bottom + 14, 'text-anchor': 'middle', class: 'tick' }, String(t)));
  }
  const yTicks = logY ? niceTicks(ly0, ly1).filter(Number.isInteger).map((e) => 10 ** e) : niceTicks(y0, y1);
  for (const t of yTicks) {
    svg.append(svgEl('text', { x: m.left - 4, y: sy(t) + 4, 'text-anchor': 'end', class: 'tick' }, logY ? `1e${Math.log10(t)}` : String(t)));
    svg.append(svgEl('line', { x1: m.left, y1: sy(t), x2: width - m.right, y2: sy(t), stroke: '#ddd' }));
  }
  svg.append(svgEl('text', { x: (m.left + width - m.right) / 2, y: height - 4, 'text-anchor': 'middle', class: 'label' }, xLabel));
  svg.append(svgEl('text', { x: 12, y: (m.top + height - m.bottom) / 2, transform: `rotate(-90 12 ${(m.top + height - m.bottom) / 2})`, 'text-anchor': 'middle', class: 'label' }, yLabel));
  container.append(svg);
  return { svg, sx, sy };
}

/**
 * Line chart of `series` ([{ name, points: [[x, y], …], colour, dashed, dotsOnly }]), with a legend.
 * Horizontal reference lines: `rules` ([{ name, y, colour }]).
 */
export function lineChart(container, series, { xLabel, yLabel, logY = false, rules = [], width, height } = {}) {
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
  const ys = [...all.map(([, y]) => y), ...rules.map((r) => r.y)];
  const xs = all.map(([x]) => x);
  if (xs.length === 0) xs.push(0, 1);
  if (ys.length === 0) ys.push(logY ? 1 : 0, logY ? 10 : 1);
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (logY) [y0, y1] = [10 ** Math.floor(Math.log10(y0)), 10 ** Math.ceil(Math.log10(y1))];
  else {
    const pad = (y1 - y0) * 0.08 || 1;
    [y0, y1] = [y0 - pad, y1 + pad];
  }
  const { svg, sx, sy } = axes(container, { x: [Math.min(...xs), Math.max(...xs)], y: [y0, y1], xLabel, yLabel, logY, width, height });
  for (const r of rules) {
    svg.append(svgEl('line', { x1: sx(Math.min(...xs)), x2: sx(Math.max(...xs)), y1: sy(r.y), y2: sy(r.y), stroke: r.colour, 'stroke-dasharray': '6 4', 'stroke-width': 1.5 }));
  }
  for (const s of series) {
    if (s.dotsOnly) {
      for (const [x, y] of s.points) if (Number.isFinite(y)) svg.append(svgEl('circle', { cx: sx(x), cy: sy(y), r: 3, fill: s.colour }));
      continue;
    }
    const d = s.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0)).map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    svg.append(svgEl('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '4 3' : 'none' }));
    if (s.points.length < 30) for (const [x, y] of s.points) if (Number.isFinite(y)) svg.append(svgEl('circle', { cx: sx(x), cy: sy(y), r: 2.5, fill: s.colour }));
  }
  legend(container, [...series, ...rules.map((r) => ({ ...r, dashed: true }))]);
}

function legend(container, entries) {
  const list = document.createElement('ul');
  list.className = 'legend';
  for (const e of entries) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = e.dashed ? 'swatch dashed' : 'swatch';
    swatch.style.borderColor = e.colour;
    item.append(swatch, e.name);
    list.append(item);
  }
  container.append(list);
}

/** Horizontal bars of signed values: `groups` [{ name, parts: [{ name, value, colour }] }], stacked from 0. */
export function signedBars(container, groups, { width = 420, marker } = {}) {
  const rowHeight = 34;
  const height = groups.length * rowHeight + 20;
  container.replaceChildren();
  const values = groups.flatMap((g) => g.parts.map((p) => p.value));
  const pos = groups.map((g) => g.parts.filter((p) => p.value > 0).reduce((a, p) => a + p.value, 0));
  const neg = groups.map((g) => g.parts.filter((p) => p.value < 0).reduce((a, p) => a + p.value, 0));
  const lo = Math.min(0, ...neg, ...values);
  const hi = Math.max(0, ...pos, ...values);
  const left = 150;
  const sx = (v) => left + ((v - lo) / (hi - lo || 1)) * (width - left - 10);
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'ELBO decompositions' });
  groups.forEach((g, i) => {
    const y = 8 + i * rowHeight;
    svg.append(svgEl('text', { x: left - 6, y: y + 15, 'text-anchor': 'end', class: 'label' }, g.name));
    let up = 0;
    let down = 0;
    for (const p of g.parts) {
      const from = p.value >= 0 ? up : down + p.value;
      if (p.value >= 0) up += p.value;
      else down += p.value;
      const x = sx(from);
      const w = Math.abs(sx(from + Math.abs(p.value)) - x);
      const bar = svgEl('rect', { x, y, width: Math.max(w, 0.5), height: 22, fill: p.colour });
      bar.append(svgEl('title', {}, `${p.name}: ${p.value.toFixed(3)}`));
      svg.append(bar);
    }
  });
  svg.append(svgEl('line', { x1: sx(0), x2: sx(0), y1: 0, y2: height, stroke: '#000' }));
  if (marker) {
    svg.append(svgEl('line', { x1: sx(marker.value), x2: sx(marker.value), y1: 0, y2: height - 14, stroke: '#000', 'stroke-width': 2, 'stroke-dasharray': '4 3' }));
    svg.append(svgEl('text', { x: sx(marker.value), y: height - 2, 'text-anchor': 'middle', class: 'label' }, `${marker.name} ${marker.value.toFixed(3)}`));
  }
  container.append(svg);
  legend(container, groups.flatMap((g) => g.parts).filter((p, i, a) => a.findIndex((q) => q.name === p.name) === i));
}

/** A canvas of `size` CSS pixels showing the square [lo, hi]²; returns it with its mapping. */
export function plane(container, { size = 320, lo = -4, hi = 4, label }) {
  container.replaceChildren();
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  container.append(canvas);
  const toPixel = ([x, y]) => [((x - lo) / (hi - lo)) * size, size - ((y - lo) / (hi - lo)) * size];
  const toPoint = (px, py) => [lo + (px / size) * (hi - lo), lo + ((size - py) / size) * (hi - lo)];
  return { canvas, context: canvas.getContext('2d'), toPixel, toPoint, size, lo, hi };
}

/** Dots at `points` ([[x, y]…]) with per-point colours (one string, or an array). */
export function dots(view, points, colours, radius = 2.2) {
  const { context } = view;
  points.forEach((p, i) => {
    const [px, py] = view.toPixel(p);
    context.fillStyle = Array.isArray(colours) ? colours[i] : colours;
    context.beginPath();
    context.arc(px, py, radius, 0, 2 * Math.PI);
    context.fill();
  });
}

/** A heat map of `values` (row-major `n`×`n`, row 0 at the top) in a sequential colour-blind-safe ramp. */
export function heatmap(view, values, n) {
  const { context, size } = view;
  const finite = values.filter(Number.isFinite);
  const hi = Math.max(...finite);
  const image = context.createImageData(n, n);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = ramp(Number.isFinite(values[i]) ? values[i] / hi : 0);
    image.data.set([r, g, b, 255], 4 * i);
  }
  const off = new OffscreenCanvas(n, n);
  off.getContext('2d').putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(off, 0, 0, size, size);
}

/** A viridis-like ramp from dark blue (0) to yellow (1). */
export function ramp(t) {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(u), stops.length - 2);
  const f = u - i;
  return stops[i].map((c, j) => Math.round(c + f * (stops[i + 1][j] - c)));
}

/** Draws 8×8 digits (rows of 64 values in [0, 1]; NaN = hidden, drawn hatched) in a grid of `columns`. */
export function digitImages(container, images, { columns = 10, cell = 4, gap = 4, label = 'digits' } = {}) {
  container.replaceChildren();
  const rows = Math.ceil(images.length / columns);
  const side = 8 * cell;
  const canvas = document.createElement('canvas');
  canvas.width = columns * (side + gap);
  canvas.height = rows * (side + gap);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const context = canvas.getContext('2d');
  images.forEach((image, n) => {
    const ox = (n % columns) * (side + gap);
    const oy = Math.floor(n / columns) * (side + gap);
    for (let p = 0; p < 64; p++) {
      const v = image[p];
      const x = ox + (p % 8) * cell;
      const y = oy + Math.floor(p / 8) * cell;
      if (Number.isNaN(v)) {
        context.fillStyle = '#E69F00';
        context.fillRect(x, y, cell, cell);
        continue;
      }
      const shade = Math.round(255 * (1 - v));
      context.fillStyle = `rgb(${shade},${shade},${shade})`;
      context.fillRect(x, y, cell, cell);
    }
  });
  container.append(canvas);
  return canvas;
}

/** Mixes `colours` (hex) by `weights` (summing to 1). */
export function mix(colours, weights) {
  const rgb = [0, 0, 0];
  weights.forEach((w, k) => {
    const hex = colours[k % colours.length];
    for (let c = 0; c < 3; c++) rgb[c] += w * parseInt(hex.slice(1 + 2 * c, 3 + 2 * c), 16);
  });
  return `rgb(${rgb.map(Math.round).join(',')})`;
}
