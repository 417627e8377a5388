/** Small helpers shared by the exercise modules (table columns, plots, mistakes, value checks). */
import type { Mistake, Value } from "../src/grading";
import { densityCurvesSvg, histogramSvg, scatterSvg } from "../src/render";
import { roundTo } from "../src/solver/datasets";
import type { Rng } from "../src/solver/random";
import type { DataTable } from "./contract";

/** Given spherical mixture parameters (what an exercise hands the student). */
export type SphericalMixture = { weights: number[]; means: number[][]; variances: number[] };

/** Column names of points: "x" when d = 1, otherwise "x1".."xd". */
export function pointColumns(d: number): string[] {
  return d === 1 ? ["x"] : Array.from({ length: d }, (_, j) => `x${j + 1}`);
}

/** A table of n x d points with optional extra columns (labels, responsibilities). */
export function pointsTable(x: number[][], extra: { columns: string[]; rows: number[][] } = { columns: [], rows: [] }): DataTable {
  return {
    columns: [...pointColumns(x[0].length), ...extra.columns],
    rows: x.map((p, i) => [...p, ...(extra.rows[i] ?? [])]),
  };
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The same value with every entry mapped (scalar, vector or matrix). */
export function mapValue(v: Value, f: (x: number) => number): Value {
  if (typeof v === "number") return f(v);
  if (Array.isArray(v[0])) return (v as number[][]).map((row) => row.map(f));
  return (v as number[]).map(f);
}

/** True when every number in a JSON-like value is finite. */
export function allFinite(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v !== null && typeof v === "object") return Object.values(v).every(allFinite);
  return true;
}

/** A mistake, unless some part's value is not finite (then the mistake does not apply to this data). */
export function mistake(id: string, message: string, answers: Partial<Record<string, Value>>): Mistake[] {
  return allFinite(answers) ? [{ id, message, answers }] : [];
}

/** Components in reverse order (the "swapped components" mistake when order matters). */
export function reversed<T>(xs: readonly T[]): T[] {
  return xs.slice().reverse();
}

/** Mixing weights with two decimals that sum to exactly 1, each at least 0.1. */
export function roundWeights(rng: Rng, k: number): number[] {
  for (;;) {
    const raw = Array.from({ length: k }, () => rng.between(1, 2));
    const total = sum(raw);
    const w = raw.slice(0, k - 1).map((r) => roundTo(r / total, 2));
    const last = roundTo(1 - sum(w), 2);
    if (last >= 0.1) return [...w, last];
  }
}

/** Index of the largest entry. */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let j = 1; j < xs.length; j++) if (xs[j] > xs[best]) best = j;
  return best;
}

/** A data plot for points (n x d): histogram for d = 1, scatter of the first two coordinates otherwise. */
export function pointsPlot(
  x: number[][],
  opts: { labels?: number[]; components?: SphericalMixture; title?: string } = {},
): string {
  const d = x[0].length;
  const title = opts.title ?? "The data";
  if (d === 1) {
    const xs = x.map((p) => p[0]);
    if (opts.components) {
      const c = opts.components;
      return densityCurvesSvg(
        xs,
        c.weights.map((w, j) => ({ weight: w, mean: c.means[j][0], variance: c.variances[j] })),
        { title, xLabel: "x" },
      );
    }
    if (opts.labels) {
      const labels = opts.labels;
      return scatterSvg(
        xs.map((v, i) => [v, labels[i] + 1]),
        { labels, title, xLabel: "x", yLabel: "component" },
      );
    }
    return histogramSvg(xs, { title, xLabel: "x" });
  }
  const c = opts.components;
  return scatterSvg(
    x.map((p) => [p[0], p[1]]),
    {
      labels: opts.labels,
      ellipses: c
        ? c.means.map((m, j) => ({
            mean: [m[0], m[1]],
            covariance: [
              [c.variances[j], 0],
              [0, c.variances[j]],
            ],
            component: j,
          }))
        : undefined,
      title: d > 2 ? `${title} (first two coordinates)` : title,
      xLabel: "x1",
      yLabel: "x2",
    },
  );
}
