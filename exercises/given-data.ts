/**
 * Data an instructor gives an exercise (the lecture's own example) instead of generated data.
 * Each exercise that takes given data declares here how its `data` is read and checked (shape,
 * finite numbers, sizes, labels) and how CSV columns map onto it; the parameters (n, d, k) follow
 * from the data. Problems are GivenDataError with the path of the offending value inside `data`
 * (["x", 3] for data.x[3]) so the API and the forms can name the field.
 */
import { allFinite } from "./common";

/** A value in given data the exercise cannot use: where it is inside `data`, and why. */
export class GivenDataError extends Error {
  override name = "GivenDataError";
  constructor(
    readonly path: (string | number)[],
    readonly reason: string,
  ) {
    super(`${["data", ...path].join(".")}: ${reason}`);
  }
}

/** Numbers beyond this size are refused: their squares and sums would overflow or lose all precision. */
export const MAX_ABS_VALUE = 1e9;

type Path = (string | number)[];
export type ReadData = { data: Record<string, unknown>; params: Record<string, unknown> };

/** How an exercise reads given data: JSON (`read`) and, when it can, CSV columns (`csv`). */
export type GivenDataSpec = {
  /** The CSV layout in words, shown on the builder page; undefined when only JSON data is taken. */
  csvLayout?: string;
  /** Builds the JSON data from CSV columns: `numbers[i][c]` is row i's value in column c. */
  fromCsv?(columns: string[], rows: number[][]): Record<string, unknown>;
  /** Checks raw JSON data and returns it with the parameters it implies. @throws GivenDataError */
  read(raw: unknown): ReadData;
};

const fail = (path: Path, reason: string): never => {
  throw new GivenDataError(path, reason);
};

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `text "${v.slice(0, 20)}${v.length > 20 ? "…" : ""}"`;
  return typeof v === "object" ? "an object" : typeof v;
}

function number(v: unknown, path: Path): number {
  if (typeof v !== "number") return fail(path, `expected a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) return fail(path, "expected a finite number (not NaN or infinite)");
  if (Math.abs(v) > MAX_ABS_VALUE) return fail(path, `numbers must lie between -${MAX_ABS_VALUE} and ${MAX_ABS_VALUE}, got ${v}`);
  return v;
}

function object(raw: unknown, fields: string[], path: Path = []): Record<string, unknown> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return fail(path, `expected an object with ${fields.map((f) => `"${f}"`).join(", ")}, got ${describe(raw)}`);
  }
  const extra = Object.keys(raw).find((k) => !fields.includes(k));
  if (extra !== undefined) fail([...path, extra], `unknown field; expected ${fields.join(", ")}`);
  return raw as Record<string, unknown>;
}

function list(v: unknown, path: Path, what: string, min: number, max: number): unknown[] {
  if (!Array.isArray(v)) return fail(path, `expected ${what}, got ${describe(v)}`);
  if (v.length < min) fail(path, `expected at least ${min} ${min === 1 ? "entry" : "entries"}, got ${v.length}`);
  if (v.length > max) fail(path, `at most ${max} entries, got ${v.length}`);
  return v;
}

/** A sample of scalars (a list of numbers; [[v], …] rows of one column are read too). */
function scalars(v: unknown, path: Path, min: number, max: number): number[] {
  return list(v, path, "a list of numbers", min, max).map((e, i) => number(Array.isArray(e) && e.length === 1 ? e[0] : e, [...path, i]));
}

/** n points of dimension d (rows of equal length; plain numbers are 1-D points). */
function points(v: unknown, path: Path, min: number, max: number, maxD: number): number[][] {
  const rows = list(v, path, "a list of points (numbers, or rows of numbers)", min, max);
  const asRow = (e: unknown, i: number): number[] => (Array.isArray(e) ? list(e, [...path, i], "a row of numbers", 1, maxD).map((x, j) => number(x, [...path, i, j])) : [number(e, [...path, i])]);
  const out = rows.map(asRow);
  const d = out[0]!.length;
  const ragged = out.findIndex((p) => p.length !== d);
  if (ragged >= 0) fail([...path, ragged], `every point needs ${d} coordinates (as the first), got ${out[ragged]!.length}`);
  return out;
}

function integer(v: unknown, path: Path, min: number, max: number): number {
  const n = number(v, path);
  if (!Number.isInteger(n) || n < min || n > max) fail(path, `expected a whole number from ${min} to ${max}, got ${n}`);
  return n;
}

function allEqual(rows: number[][]): boolean {
  return rows.every((p) => p.every((x, j) => x === rows[0]![j]));
}

/** True when coordinate j varies across the points (otherwise a full covariance is singular). */
function sharesAVariance(x: number[][], j: number): boolean {
  return x.some((p) => p[j] !== x[0]![j]);
}

/** Columns named x1..xd (or x) map to coordinates; `label` (1..k, as in the data download) to labels. */
function pointsFromCsv(columns: string[], rows: number[][]): { x: number[][]; labels?: number[] } {
  const labelAt = columns.indexOf("label");
  const coords = columns.map((_, c) => c).filter((c) => c !== labelAt);
  const x = rows.map((r) => coords.map((c) => r[c]!));
  return labelAt >= 0 ? { x, labels: rows.map((r) => r[labelAt]! - 1) } : { x };
}

const MAX_POINTS = 10_000;

const scalarSample = (minN: number, check: (x: number[]) => string | undefined): GivenDataSpec => ({
  csvLayout: "one column x, one value per row",
  fromCsv: (_columns, rows) => ({ x: rows.map((r) => r[0]!) }),
  read(raw) {
    const x = scalars(object(raw, ["x"]).x, ["x"], minN, MAX_POINTS);
    const problem = check(x);
    if (problem) fail(["x"], problem);
    return { data: { x }, params: { n: x.length } };
  },
});

const pointSample = (maxD: number, full: boolean): GivenDataSpec => ({
  csvLayout: `columns x1…xd, one point per row (d from 1 to ${maxD}; one column x when d = 1)`,
  fromCsv: (columns, rows) => ({ x: pointsFromCsv(columns, rows).x }),
  read(raw) {
    const x = points(object(raw, ["x"]).x, ["x"], 2, MAX_POINTS, maxD);
    const d = x[0]!.length;
    if (x.length <= d) fail(["x"], `expected more points than dimensions (d = ${d}), got ${x.length}`);
    if (allEqual(x)) fail(["x"], "all points are equal: the variance would be zero");
    if (full) {
      const flat = Array.from({ length: d }, (_, j) => j).find((j) => !sharesAVariance(x, j));
      if (flat !== undefined) fail(["x"], `coordinate ${flat + 1} is the same in every point: the covariance would be singular`);
    }
    return { data: { x }, params: { n: x.length, d } };
  },
});

/**
 * Per exercise slug. Exercises not listed take only generated data. Labels in JSON are 0-based
 * (as in `likely exercises show`); the CSV `label` column is 1-based, as in the students' download.
 */
export const GIVEN_DATA: Record<string, GivenDataSpec> = {
  "bernoulli-mle": {
    ...scalarSample(2, () => undefined),
    csvLayout: "one column x of 0s and 1s, one outcome per row",
    read(raw) {
      const x = scalars(object(raw, ["x"]).x, ["x"], 2, MAX_POINTS);
      const bad = x.findIndex((v) => v !== 0 && v !== 1);
      if (bad >= 0) fail(["x", bad], `expected 0 or 1, got ${x[bad]}`);
      if (x.every((v) => v === x[0])) fail(["x"], "the sample needs both outcomes (0 and 1)");
      return { data: { x }, params: { n: x.length } };
    },
  },
  "gaussian-mle": scalarSample(2, (x) => (x.every((v) => v === x[0]) ? "all values are equal: the variance would be zero" : undefined)),
  "spherical-gaussian-mle": pointSample(5, false),
  "gaussian-full-mle": pointSample(4, true),
  "gmm-known-labels": {
    csvLayout: "columns x1…xd (one column x when d = 1) and a column label with each point's component 1…k; a header row names them",
    fromCsv: (columns, rows) => pointsFromCsv(columns, rows),
    read(raw) {
      const o = object(raw, ["x", "labels", "k"]);
      const x = points(o.x, ["x"], 4, MAX_POINTS, 3);
      const labels = list(o.labels, ["labels"], "a list of component labels 0…k−1, one per point", x.length, x.length);
      const k = o.k === undefined ? undefined : integer(o.k, ["k"], 2, 4);
      const kMax = k ?? 4;
      const l = labels.map((v, i) => integer(v, ["labels", i], 0, kMax - 1));
      const kk = k ?? Math.max(...l) + 1;
      if (kk < 2) fail(["labels"], "expected at least 2 components (labels 0 and 1)");
      for (let j = 0; j < kk; j++) {
        const members = x.filter((_, i) => l[i] === j);
        if (members.length < 2) fail(["labels"], `component ${j + 1} (label ${j}) has ${members.length === 0 ? "no points" : "only 1 point"}; each needs at least 2`);
        if (allEqual(members)) fail(["labels"], `the points of component ${j + 1} (label ${j}) are all equal: its variance would be zero`);
      }
      return { data: { x, labels: l, k: kk }, params: { n: x.length, d: x[0]!.length, k: kk } };
    },
  },
  "em-iteration": {
    read(raw) {
      const o = object(raw, ["x", "init"]);
      const x = points(o.x, ["x"], 4, 300, 3);
      const d = x[0]!.length;
      if (allEqual(x)) fail(["x"], "all points are equal");
      const init = object(o.init, ["weights", "means", "variances"], ["init"]);
      const weights = scalars(init.weights, ["init", "weights"], 2, 4);
      const k = weights.length;
      weights.forEach((w, j) => (w > 0 ? undefined : fail(["init", "weights", j], `a weight must be positive, got ${w}`)));
      if (Math.abs(weights.reduce((a, b) => a + b, 0) - 1) > 1e-6) fail(["init", "weights"], "the weights must sum to 1");
      const means = points(init.means, ["init", "means"], k, k, 3);
      if (means[0]!.length !== d) fail(["init", "means", 0], `expected ${d} coordinates (as the points), got ${means[0]!.length}`);
      const variances = scalars(init.variances, ["init", "variances"], k, k);
      variances.forEach((v, j) => (v > 0 ? undefined : fail(["init", "variances", j], `a variance must be positive, got ${v}`)));
      if (x.length < 2 * k) fail(["x"], `expected at least 2k = ${2 * k} points, got ${x.length}`);
      return { data: { x, init: { weights, means, variances } }, params: { n: x.length, d, k } };
    },
  },
};

/** The slugs that take given data. */
export function givenDataSlugs(): string[] {
  return Object.keys(GIVEN_DATA);
}

/** Checks given data for an exercise (not the solver's part: see createVariantFromData). @throws GivenDataError */
export function readGivenData(slug: string, raw: unknown): ReadData {
  const spec = GIVEN_DATA[slug];
  if (!spec) fail([], `the exercise ${slug} takes only generated data; data can be given to ${givenDataSlugs().join(", ")}`);
  const r = spec!.read(raw);
  // Belt and braces: whatever a reader let through must be finite numbers.
  if (!allFinite(r.data)) fail([], "expected finite numbers only");
  return r;
}
