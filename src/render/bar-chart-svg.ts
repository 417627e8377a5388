import { escapeHtml } from "./escape-html";
import { formatNumber } from "./format-number";
import { HIGHLIGHT, PALETTE } from "./palette";
import { linearScale, niceTicks } from "./scale";
import { emptyNote, frame, num, svgDocument, yAxis, type SvgOptions } from "./svg";

/**
 * Vertical bars for per-item statistics (e.g. a score distribution). The bar whose label equals
 * `highlight` is drawn in an accent colour. Non-finite values are drawn as 0 and labelled "n/a".
 */
export function barChartSvg(bars: { label: string; value: number }[], opts: SvgOptions & { yLabel?: string; highlight?: string; integer?: boolean } = {}): string {
  const f = frame(opts);
  const title = opts.title ?? "Bar chart";
  const items = (Array.isArray(bars) ? bars : []).filter((b) => b && typeof b === "object").slice(0, 500);
  if (items.length === 0) return svgDocument(f, title, [emptyNote(f)], "bars");
  const values = items.map((b) => (typeof b.value === "number" && Number.isFinite(b.value) ? b.value : 0));
  // Counts (`integer`) get whole-number ticks: there are no half students.
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  // All-zero counts would otherwise get an axis from -1 to 1.
  const yr = niceTicks(lo, opts.integer && lo === 0 && hi === 0 ? 1 : hi, 5, opts.integer ?? false);
  const y = linearScale(yr.domain, [f.bottom, f.top]);
  const slot = (f.right - f.left) / items.length;
  const barWidth = Math.max(1, slot * 0.7);
  const labelEvery = Math.max(1, Math.ceil(items.length / 16));
  const body: string[] = [yAxis(f, y, yr.ticks, opts.yLabel), `<g class="bars">`];
  const zero = y.map(0);
  items.forEach((b, i) => {
    const v = values[i]!;
    const label = String(b.label ?? "");
    const cx = f.left + slot * (i + 0.5);
    const yv = y.map(v);
    const color = opts.highlight !== undefined && label === opts.highlight ? HIGHLIGHT : PALETTE[0];
    const shown = Number.isFinite(b.value) ? formatNumber(b.value) : "n/a";
    body.push(
      `<rect class="bar${color === HIGHLIGHT ? " highlight" : ""}" data-value="${escapeHtml(shown)}" x="${num(cx - barWidth / 2)}" y="${num(Math.min(yv, zero))}" width="${num(barWidth)}" height="${num(Math.abs(zero - yv))}" fill="${color}"><title>${escapeHtml(`${label}: ${shown}`)}</title></rect>`,
    );
    if (items.length <= 24) {
      body.push(`<text x="${num(cx)}" y="${num(Math.min(yv, zero) - 4)}" text-anchor="middle" font-size="10" fill="#333">${escapeHtml(shown)}</text>`);
    }
    if (i % labelEvery === 0) {
      body.push(`<text x="${num(cx)}" y="${num(f.bottom + 16)}" text-anchor="middle" fill="#222">${escapeHtml(label.length > 14 ? `${label.slice(0, 13)}…` : label)}</text>`);
    }
  });
  body.push(`</g>`, `<line x1="${num(f.left)}" y1="${num(zero)}" x2="${num(f.right)}" y2="${num(zero)}" stroke="#444"/>`);
  return svgDocument(f, title, body, "bars", ` data-n="${items.length}"`);
}
