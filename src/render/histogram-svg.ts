import { escapeHtml } from "./escape-html";
import { formatNumber } from "./format-number";
import { HIGHLIGHT, PALETTE } from "./palette";
import { extent, linearScale, niceTicks, widen } from "./scale";
import { emptyNote, frame, num, svgDocument, xAxis, yAxis, type SvgOptions } from "./svg";

export type HistogramOptions = SvgOptions & {
  bins?: number;
  marker?: { value: number; label: string };
  xLabel?: string;
  /** What screen readers call the chart when the visible title is empty (a panel heading names it). */
  name?: string;
};

/**
 * Equal-width bin counts of the finite values over [lo, hi] (the last bin is closed); the counts
 * sum to the number of finite values.
 */
export function binCounts(values: number[], bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    let i = width > 0 ? Math.floor((v - lo) / width) : 0;
    if (i >= bins) i = bins - 1;
    if (i < 0) i = 0;
    counts[i]!++;
  }
  return counts;
}

/** Default bin count: Sturges' rule, between 1 and 40. */
export function defaultBins(n: number): number {
  return Math.min(40, Math.max(1, Math.ceil(Math.log2(Math.max(1, n)) + 1)));
}

/**
 * Histogram of `values` (non-finite values are ignored), with an optional vertical marker such as
 * the correct value. Each bar carries `data-count`; the counts sum to the number of finite values.
 *
 * @example histogramSvg(classAnswers, { title: "Class answers", marker: { value: 2.5, label: "key" } })
 */
export function histogramSvg(values: number[], opts: HistogramOptions = {}): string {
  const f = frame(opts);
  const data = (Array.isArray(values) ? values : []).filter((v) => typeof v === "number" && Number.isFinite(v));
  const title = opts.title ?? "Histogram";
  const range = extent(data);
  const marker = opts.marker && Number.isFinite(opts.marker.value) ? opts.marker : undefined;
  if (!range) {
    return svgDocument(f, title, [emptyNote(f)], "histogram", ` data-n="0"`, opts.name);
  }
  const [lo, hi] = widen(range[0], range[1]);
  const requested = opts.bins !== undefined && Number.isFinite(opts.bins) ? Math.round(opts.bins) : defaultBins(data.length);
  const bins = Math.min(200, Math.max(1, requested));
  const counts = binCounts(data, bins, lo, hi);
  // All values equal: one narrow bar in the middle of a wider axis, not a bar filling the plot.
  const pad = range[0] === range[1] ? hi - lo : 0;
  const xr = niceTicks(Math.min(lo - pad, marker?.value ?? lo), Math.max(hi + pad, marker?.value ?? hi), 6);
  const x = linearScale(xr.domain, [f.left, f.right]);
  const yr = niceTicks(0, Math.max(1, ...counts), 5, true);
  const y = linearScale(yr.domain, [f.bottom, f.top]);
  const width = (hi - lo) / bins;
  const body: string[] = [yAxis(f, y, yr.ticks, "count"), `<g class="bars" fill="${PALETTE[0]}" fill-opacity="0.75" stroke="#fff" stroke-width="0.5">`];
  counts.forEach((c, i) => {
    const a = lo + i * width;
    const b = i === bins - 1 ? hi : lo + (i + 1) * width;
    const x0 = x.map(a);
    const x1 = x.map(b);
    const y0 = y.map(c);
    const tip = `${formatNumber(a)} to ${formatNumber(b)}: ${c}`;
    body.push(
      `<rect class="bar" data-count="${c}" x="${num(x0)}" y="${num(y0)}" width="${num(Math.max(0, x1 - x0))}" height="${num(Math.max(0, f.bottom - y0))}"><title>${escapeHtml(tip)}</title></rect>`,
    );
  });
  body.push(`</g>`);
  body.push(xAxis(f, x, xr.ticks, opts.xLabel));
  if (marker) {
    const mx = x.map(marker.value);
    body.push(
      `<g class="marker"><line x1="${num(mx)}" y1="${num(f.top)}" x2="${num(mx)}" y2="${num(f.bottom)}" stroke="${HIGHLIGHT}" stroke-width="2" stroke-dasharray="5 3"/>`,
      `<text x="${num(mx > (f.left + f.right) / 2 ? mx - 4 : mx + 4)}" y="${num(f.top + 12)}" text-anchor="${mx > (f.left + f.right) / 2 ? "end" : "start"}" fill="${HIGHLIGHT}">${escapeHtml(marker.label)}</text></g>`,
    );
  }
  return svgDocument(f, title, body, "histogram", ` data-n="${data.length}"`, opts.name);
}
