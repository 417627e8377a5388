import { escapeHtml } from "./escape-html";
import { colorFor } from "./palette";
import { extent, linearScale, niceTicks, subsampleIndices } from "./scale";
import { emptyNote, frame, legend, num, svgDocument, xAxis, yAxis, type SvgOptions } from "./svg";

/** Most point marks drawn; larger inputs are subsampled deterministically. */
export const MAX_MARKS = 3000;

export type ScatterEllipse = { mean: number[]; covariance: number[][]; component: number };
export type ScatterOptions = SvgOptions & { labels?: number[]; ellipses?: ScatterEllipse[]; xLabel?: string; yLabel?: string };

/**
 * Eigen-decomposition of a symmetric 2 x 2 covariance [[a, b], [b, d]]: the larger and smaller
 * eigenvalues (clamped at 0) and the angle in radians of the larger one's eigenvector from the x axis.
 */
export function eigen2(cov: number[][]): { major: number; minor: number; angle: number } | undefined {
  const a = cov[0]?.[0];
  const d = cov[1]?.[1];
  const b01 = cov[0]?.[1];
  const b10 = cov[1]?.[0];
  if (![a, d, b01, b10].every((v) => typeof v === "number" && Number.isFinite(v))) return undefined;
  const b = ((b01 as number) + (b10 as number)) / 2;
  const mid = ((a as number) + (d as number)) / 2;
  const half = Math.hypot(((a as number) - (d as number)) / 2, b);
  const angle = 0.5 * Math.atan2(2 * b, (a as number) - (d as number));
  return { major: Math.max(0, mid + half), minor: Math.max(0, mid - half), angle };
}

/**
 * Scatter plot of 2-D points (n x 2), coloured by `labels` (one integer per point), with 1- and
 * 2-sigma ellipses of Gaussian components drawn from the eigen-decomposition of each covariance.
 * Ellipses are drawn in data units (rx, ry are sqrt of the eigenvalues times 1 or 2) inside a group
 * that maps data to pixels. At most MAX_MARKS points are drawn (a deterministic even subsample).
 */
export function scatterSvg(points: number[][], opts: ScatterOptions = {}): string {
  const f = frame(opts, { width: 520, height: 440 });
  const title = opts.title ?? "Scatter plot";
  const all = Array.isArray(points) ? points : [];
  const labels = Array.isArray(opts.labels) && opts.labels.length === all.length ? opts.labels : undefined;
  const keep: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    if (Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])) keep.push(i);
  }
  const shown = subsampleIndices(keep.length, MAX_MARKS).map((i) => keep[i]!);
  const ellipses = (opts.ellipses ?? [])
    .map((e) => ({ e, eig: eigen2(e.covariance) }))
    .filter(({ e, eig }) => eig !== undefined && Number.isFinite(e.mean?.[0]) && Number.isFinite(e.mean?.[1]));

  const xs: number[] = keep.map((i) => all[i]![0]!);
  const ys: number[] = keep.map((i) => all[i]![1]!);
  for (const { e } of ellipses) {
    const sx = 2 * Math.sqrt(Math.max(0, e.covariance[0]![0]!));
    const sy = 2 * Math.sqrt(Math.max(0, e.covariance[1]![1]!));
    xs.push(e.mean[0]! - sx, e.mean[0]! + sx);
    ys.push(e.mean[1]! - sy, e.mean[1]! + sy);
  }
  const ex = extent(xs);
  const ey = extent(ys);
  if (!ex || !ey) return svgDocument(f, title, [emptyNote(f)], "scatter", ` data-n="0"`);
  const xr = niceTicks(ex[0], ex[1], 6);
  const yr = niceTicks(ey[0], ey[1], 6);
  const x = linearScale(xr.domain, [f.left, f.right]);
  const y = linearScale(yr.domain, [f.bottom, f.top]);
  const body: string[] = [yAxis(f, y, yr.ticks, opts.yLabel), xAxis(f, x, xr.ticks, opts.xLabel)];

  // One path per colour: each point is a zero-length segment drawn with a round cap.
  const byGroup = new Map<number, string[]>();
  for (const i of shown) {
    const g = labels && Number.isFinite(labels[i]) ? Math.trunc(labels[i]!) : 0;
    const list = byGroup.get(g) ?? [];
    list.push(`M${num(x.map(all[i]![0]!))} ${num(y.map(all[i]![1]!))}h0`);
    byGroup.set(g, list);
  }
  body.push(`<g class="points" stroke-linecap="round" stroke-width="5" stroke-opacity="0.65" fill="none">`);
  for (const g of [...byGroup.keys()].sort((a, b) => a - b)) {
    const marks = byGroup.get(g)!;
    body.push(`<path class="points-group" data-label="${g}" data-count="${marks.length}" stroke="${colorFor(g)}" d="${marks.join("")}"/>`);
  }
  body.push(`</g>`);

  if (ellipses.length > 0) {
    // Data-to-pixel transform: px = x.map(u), py = y.map(v), linear in u and v.
    const sx = x.map(1) - x.map(0);
    const sy = y.map(1) - y.map(0);
    const tx = x.map(0);
    const ty = y.map(0);
    body.push(`<g class="ellipses" fill="none" transform="matrix(${sx} 0 0 ${sy} ${tx} ${ty})">`);
    for (const { e, eig } of ellipses) {
      const color = colorFor(e.component);
      const deg = (eig!.angle * 180) / Math.PI;
      const [mx, my] = [e.mean[0]!, e.mean[1]!];
      for (const sigma of [1, 2]) {
        body.push(
          `<ellipse class="sigma-${sigma}" data-component="${Math.trunc(e.component) || 0}" data-sigma="${sigma}" cx="${mx}" cy="${my}"` +
            ` rx="${sigma * Math.sqrt(eig!.major)}" ry="${sigma * Math.sqrt(eig!.minor)}" transform="rotate(${deg} ${mx} ${my})"` +
            ` stroke="${color}" stroke-width="${sigma === 1 ? 2 : 1.25}"${sigma === 2 ? ' stroke-dasharray="6 4"' : ""} vector-effect="non-scaling-stroke"/>`,
        );
      }
    }
    body.push(`</g>`);
    for (const { e } of ellipses) {
      const px = x.map(e.mean[0]!);
      const py = y.map(e.mean[1]!);
      body.push(
        `<path class="mean" d="M${num(px - 6)} ${num(py)}h12M${num(px)} ${num(py - 6)}v12" stroke="${colorFor(e.component)}" stroke-width="2.5"/>`,
      );
    }
  }
  const groups = new Set<number>([...byGroup.keys(), ...ellipses.map(({ e }) => Math.trunc(e.component) || 0)]);
  if (labels || ellipses.length > 0) {
    body.push(legend(f, [...groups].sort((a, b) => a - b).map((g) => ({ color: colorFor(g), label: `Component ${g + 1}` }))));
  }
  if (shown.length < keep.length) {
    body.push(`<text x="${num(f.right)}" y="${num(f.height - 6)}" text-anchor="end" fill="#666" font-size="10">${escapeHtml(`showing ${shown.length} of ${keep.length} points`)}</text>`);
  }
  return svgDocument(f, title, body, "scatter", ` data-n="${keep.length}"`);
}
