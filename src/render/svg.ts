import { escapeHtml } from "./escape-html";
import { formatNumber } from "./format-number";
import { type Scale } from "./scale";

export type SvgOptions = { width?: number; height?: number; title?: string };

/** Pixel geometry of a chart: the viewBox size and the plot area inside the margins. */
export type Frame = { width: number; height: number; left: number; right: number; top: number; bottom: number };

const MARGIN = { left: 60, right: 16, top: 30, bottom: 46 };

function size(v: number | undefined, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 50 && v <= 10_000 ? v : fallback;
}

export function frame(opts: SvgOptions, defaults: { width: number; height: number } = { width: 560, height: 340 }): Frame {
  const width = size(opts.width, defaults.width);
  const height = size(opts.height, defaults.height);
  return { width, height, left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
}

/** A coordinate for an SVG attribute: at most 2 decimals, never NaN. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return "0";
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/**
 * Wraps chart content in an accessible, responsive SVG: a viewBox and width 100% (no fixed pixel
 * size), role="img", a <title> and a matching aria-label.
 */
export function svgDocument(f: Frame, title: string, body: string[], kind: string, extra = "", name = title): string {
  const t = escapeHtml(title);
  const n = escapeHtml(name);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="likely-plot likely-${kind}" viewBox="0 0 ${num(f.width)} ${num(f.height)}"`,
    ` width="100%" preserveAspectRatio="xMidYMid meet" style="max-width:100%;height:auto" role="img" aria-label="${n}"`,
    ` font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12"${extra}>`,
    `<title>${n}</title>`,
    title ? `<text x="${num(f.width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="600">${t}</text>` : "",
    ...body,
    `</svg>`,
  ].join("");
}

/** X axis along the bottom of the plot area, with tick labels and an optional axis label. */
export function xAxis(f: Frame, scale: Scale, ticks: number[], label?: string): string {
  const parts = [`<g class="axis x-axis" stroke="#444" fill="#222">`];
  parts.push(`<line x1="${num(f.left)}" y1="${num(f.bottom)}" x2="${num(f.right)}" y2="${num(f.bottom)}"/>`);
  for (const t of ticks) {
    const x = scale.map(t);
    parts.push(`<line x1="${num(x)}" y1="${num(f.bottom)}" x2="${num(x)}" y2="${num(f.bottom + 5)}"/>`);
    parts.push(`<text x="${num(x)}" y="${num(f.bottom + 18)}" text-anchor="middle" stroke="none">${escapeHtml(formatNumber(t))}</text>`);
  }
  if (label) parts.push(`<text x="${num((f.left + f.right) / 2)}" y="${num(f.height - 6)}" text-anchor="middle" stroke="none">${escapeHtml(label)}</text>`);
  parts.push(`</g>`);
  return parts.join("");
}

/** Y axis along the left of the plot area, with light grid lines. */
export function yAxis(f: Frame, scale: Scale, ticks: number[], label?: string): string {
  const parts = [`<g class="axis y-axis" stroke="#444" fill="#222">`];
  parts.push(`<line x1="${num(f.left)}" y1="${num(f.top)}" x2="${num(f.left)}" y2="${num(f.bottom)}"/>`);
  for (const t of ticks) {
    const y = scale.map(t);
    parts.push(`<line x1="${num(f.left + 1)}" y1="${num(y)}" x2="${num(f.right)}" y2="${num(y)}" stroke="#e4e4e4"/>`);
    parts.push(`<line x1="${num(f.left - 5)}" y1="${num(y)}" x2="${num(f.left)}" y2="${num(y)}"/>`);
    parts.push(`<text x="${num(f.left - 8)}" y="${num(y + 4)}" text-anchor="end" stroke="none">${escapeHtml(formatNumber(t))}</text>`);
  }
  if (label) {
    const cy = (f.top + f.bottom) / 2;
    parts.push(`<text x="14" y="${num(cy)}" text-anchor="middle" transform="rotate(-90 14 ${num(cy)})" stroke="none">${escapeHtml(label)}</text>`);
  }
  parts.push(`</g>`);
  return parts.join("");
}

/** A centred note in the plot area, for empty data. */
export function emptyNote(f: Frame, text = "No data"): string {
  return `<text x="${num((f.left + f.right) / 2)}" y="${num((f.top + f.bottom) / 2)}" text-anchor="middle" fill="#666">${escapeHtml(text)}</text>`;
}

/** A legend of coloured swatches in the top right corner of the plot area. */
export function legend(f: Frame, entries: { color: string; label: string; dashed?: boolean }[]): string {
  if (entries.length === 0) return "";
  const parts = [`<g class="legend">`];
  entries.slice(0, 12).forEach((e, i) => {
    const y = f.top + 8 + i * 16;
    const x = f.right - 130;
    parts.push(`<rect x="${num(x)}" y="${num(y - 8)}" width="12" height="10" fill="${e.color}"${e.dashed ? ' fill-opacity="0.4"' : ""}/>`);
    parts.push(`<text x="${num(x + 18)}" y="${num(y + 1)}">${escapeHtml(e.label)}</text>`);
  });
  parts.push(`</g>`);
  return parts.join("");
}
