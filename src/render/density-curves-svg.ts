import { binCounts, defaultBins } from "./histogram-svg";
import { colorFor, NEUTRAL } from "./palette";
import { extent, linearScale, niceTicks, subsampleIndices, widen } from "./scale";
import { emptyNote, frame, legend, num, svgDocument, xAxis, yAxis, type SvgOptions } from "./svg";
import { MAX_MARKS } from "./scatter-svg";

export type DensityComponent = { weight: number; mean: number; variance: number };

const CURVE_POINTS = 200;

function normalPdf(x: number, mean: number, variance: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance);
}

/**
 * 1-D data (as a density-scaled histogram and a rug) with the weighted component densities
 * `weight * N(x; mean, variance)` of a Gaussian mixture and their sum. Components with a
 * non-positive or non-finite variance or weight are left out.
 */
export function densityCurvesSvg(x: number[], components: DensityComponent[], opts: SvgOptions & { xLabel?: string } = {}): string {
  const f = frame(opts);
  const title = opts.title ?? "Data and mixture densities";
  const data = (Array.isArray(x) ? x : []).filter((v) => typeof v === "number" && Number.isFinite(v));
  const comps = (Array.isArray(components) ? components : []).filter(
    (c) => c && [c.weight, c.mean, c.variance].every(Number.isFinite) && c.variance > 0 && c.weight >= 0,
  );
  const bounds: number[] = [...data];
  for (const c of comps) bounds.push(c.mean - 3 * Math.sqrt(c.variance), c.mean + 3 * Math.sqrt(c.variance));
  const e = extent(bounds);
  if (!e) return svgDocument(f, title, [emptyNote(f)], "density");
  const xr = niceTicks(e[0], e[1], 6);
  const xs = linearScale(xr.domain, [f.left, f.right]);

  // Histogram of the data, scaled to a density (area 1).
  const bins = defaultBins(data.length);
  const [lo, hi] = data.length > 0 ? widen(Math.min(...data), Math.max(...data)) : [0, 1];
  const counts = data.length > 0 ? binCounts(data, bins, lo, hi) : [];
  const binWidth = (hi - lo) / bins;
  const heights = counts.map((c) => c / (data.length * binWidth));

  const grid = Array.from({ length: CURVE_POINTS + 1 }, (_, i) => xr.domain[0] + ((xr.domain[1] - xr.domain[0]) * i) / CURVE_POINTS);
  const curves = comps.map((c) => grid.map((g) => c.weight * normalPdf(g, c.mean, c.variance)));
  const total = grid.map((_, i) => curves.reduce((s, curve) => s + curve[i]!, 0));
  const top = Math.max(0, ...heights, ...total.filter(Number.isFinite));
  const yr = niceTicks(0, top > 0 ? top : 1, 5);
  const ys = linearScale(yr.domain, [f.bottom, f.top]);
  const body: string[] = [yAxis(f, ys, yr.ticks, "density"), xAxis(f, xs, xr.ticks, opts.xLabel)];

  body.push(`<g class="bars" fill="${NEUTRAL}" fill-opacity="0.35">`);
  heights.forEach((h, i) => {
    const x0 = xs.map(lo + i * binWidth);
    const x1 = xs.map(lo + (i + 1) * binWidth);
    const y0 = ys.map(h);
    body.push(`<rect class="bar" data-count="${counts[i]}" x="${num(x0)}" y="${num(y0)}" width="${num(Math.max(0, x1 - x0))}" height="${num(Math.max(0, f.bottom - y0))}"/>`);
  });
  body.push(`</g>`);

  const rug = subsampleIndices(data.length, MAX_MARKS).map((i) => `M${num(xs.map(data[i]!))} ${num(f.bottom)}v-8`);
  if (rug.length > 0) body.push(`<path class="rug" d="${rug.join("")}" stroke="#333" stroke-opacity="0.4" stroke-width="1"/>`);

  const line = (values: number[]) =>
    values.map((v, i) => `${i === 0 ? "M" : "L"}${num(xs.map(grid[i]!))} ${num(ys.map(Number.isFinite(v) ? v : 0))}`).join("");
  curves.forEach((curve, k) => {
    body.push(`<path class="component" data-component="${k}" d="${line(curve)}" fill="none" stroke="${colorFor(k)}" stroke-width="2"/>`);
  });
  if (comps.length > 0) {
    body.push(`<path class="mixture" d="${line(total)}" fill="none" stroke="#111" stroke-width="2.5" stroke-dasharray="7 3"/>`);
  }
  body.push(
    legend(f, [...comps.map((_, k) => ({ color: colorFor(k), label: `Component ${k + 1}` })), ...(comps.length > 0 ? [{ color: "#111", label: "Mixture" }] : [])]),
  );
  return svgDocument(f, title, body, "density", ` data-n="${data.length}"`);
}
