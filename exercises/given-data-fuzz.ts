/**
 * Hostile given data for the self-check, the tests and the bench: each case starts from a valid
 * data set of an exercise (generated from a seed) and breaks it in one named way (ragged rows, text,
 * huge numbers, NaN/Infinity, too many points, labels out of range, an empty component, deep nesting,
 * wrong types). Deterministic for the rng's seed. Every case must be refused.
 */
import type { Rng } from "../src/solver/random";
import { GIVEN_DATA } from "./given-data";
import { createVariant } from "./index";

export type HostileCase = {
  slug: string;
  /** What was broken, e.g. "text in x". */
  kind: string;
  /** The data as the API would receive it (JSON text: NaN and Infinity cannot be JSON values, so they come as 1e309 or text). */
  json: string;
  /** The same breakage as CSV text, for exercises that take CSV. */
  csv?: string;
};

const SLUGS = Object.keys(GIVEN_DATA);

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

function deep(levels: number): string {
  return "[".repeat(levels) + "1" + "]".repeat(levels);
}

/** A CSV of points (and labels, 1-based) with a header. */
function csvOf(x: unknown[], labels?: unknown[]): string {
  const rows = x.map((p, i) => [...(Array.isArray(p) ? p : [p]), ...(labels ? [typeof labels[i] === "number" ? (labels[i] as number) + 1 : labels[i]] : [])]);
  const d = Array.isArray(x[0]) ? (x[0] as unknown[]).length : 1;
  const header = [...(d === 1 ? ["x"] : Array.from({ length: d }, (_, j) => `x${j + 1}`)), ...(labels ? ["label"] : [])];
  return [header, ...rows].map((r) => r.map((c) => String(c)).join(",")).join("\n") + "\n";
}

type Breakage = { kind: string; apply(data: Record<string, unknown>, rng: Rng): { json: string; csv?: string | null } };

const setAt = (x: unknown[], rng: Rng, value: unknown): unknown[] => {
  const copy = structuredClone(x);
  const i = rng.int(0, copy.length - 1);
  if (Array.isArray(copy[i])) (copy[i] as unknown[])[rng.int(0, (copy[i] as unknown[]).length - 1)] = value;
  else copy[i] = value;
  return copy;
};

/** A value put into x: JSON text for it, and CSV cell text. */
const VALUES: { kind: string; json: string; cell: string }[] = [
  { kind: "text", json: '"abc"', cell: "abc" },
  { kind: "NaN", json: '"NaN"', cell: "NaN" },
  { kind: "Infinity", json: "1e309", cell: "Infinity" },
  { kind: "1e309", json: "1e309", cell: "1e309" },
  { kind: "-1e309", json: "-1e309", cell: "-1e309" },
  { kind: "1e308", json: "1e308", cell: "1e308" },
  { kind: "null", json: "null", cell: "null" },
  { kind: "boolean", json: "true", cell: "true" },
  { kind: "object", json: '{"v":1}', cell: "{v:1}" },
  { kind: "empty text", json: '""', cell: '""' },
];

const MARK = "\u0000MARK\u0000";

const BREAKAGES: Breakage[] = [
  {
    kind: "bad value in x",
    apply(data, rng) {
      const v = pick(rng, VALUES);
      const x = setAt(data.x as unknown[], rng, MARK);
      const json = JSON.stringify({ ...data, x }).replace(JSON.stringify(MARK), v.json);
      const csv = csvOf(x, data.labels as unknown[] | undefined).replace(MARK, v.cell);
      return { json, csv };
    },
  },
  {
    kind: "ragged rows",
    apply(data, rng) {
      const x = structuredClone(data.x as unknown[]);
      const i = rng.int(1, x.length - 1);
      x[i] = Array.isArray(x[i]) ? [...(x[i] as unknown[]), 1.5] : [x[i], 1.5];
      const csvRows = csvOf(data.x as unknown[], data.labels as unknown[] | undefined).split("\n");
      csvRows[i + 1] += ",1.5";
      return { json: JSON.stringify({ ...data, x }), csv: csvRows.join("\n") };
    },
  },
  {
    kind: "too many points",
    apply(data, rng) {
      const n = pick(rng, [10_001, 20_000]);
      const x = Array.from({ length: n }, (_, i) => (Array.isArray((data.x as unknown[])[0]) ? ((data.x as unknown[])[0] as unknown[]).map((_v, j) => (i * 7 + j) % 13) : (i * 7) % 13));
      const labels = data.labels ? x.map((_, i) => i % (data.k as number)) : undefined;
      return { json: JSON.stringify({ ...data, x, ...(labels ? { labels } : {}) }), csv: csvOf(x, labels) };
    },
  },
  {
    kind: "too few points",
    apply(data) {
      const x = (data.x as unknown[]).slice(0, 1);
      const labels = data.labels ? (data.labels as unknown[]).slice(0, 1) : undefined;
      return { json: JSON.stringify({ ...data, x, ...(labels ? { labels } : {}) }), csv: csvOf(x, labels) };
    },
  },
  {
    kind: "all points equal",
    apply(data) {
      const x = (data.x as unknown[]).map(() => (data.x as unknown[])[0]);
      return { json: JSON.stringify({ ...data, x }), csv: csvOf(x, data.labels as unknown[] | undefined) };
    },
  },
  {
    kind: "deep nesting",
    apply(data, rng) {
      const x = setAt(data.x as unknown[], rng, MARK);
      return { json: JSON.stringify({ ...data, x }).replace(JSON.stringify(MARK), deep(rng.int(3, 40))), csv: null };
    },
  },
  {
    kind: "wrong type for data",
    apply(_data, rng) {
      return { json: pick(rng, ["[1,2,3]", '"1,2,3"', "42", "null", "true", '{"x":"1,2,3"}', '{"x":{"0":1}}', '{"x":[]}', '{"y":[1,2]}', '{"x":[[]]}']), csv: null };
    },
  },
  {
    kind: "labels out of range",
    apply(data, rng) {
      if (!data.labels) return { json: JSON.stringify({ ...data, x: setAt(data.x as unknown[], rng, "oops") }), csv: null };
      const labels = structuredClone(data.labels as number[]);
      labels[rng.int(0, labels.length - 1)] = pick(rng, [-1, 4, 7, 1.5, 100]);
      return { json: JSON.stringify({ ...data, labels }), csv: csvOf(data.x as unknown[], labels) };
    },
  },
  {
    kind: "duplicated points make a component empty",
    apply(data) {
      if (!data.labels) return { json: JSON.stringify({ ...data, x: [] }), csv: "x\n" };
      // Every point duplicated from component 0 and labelled 0: the other components have no points.
      const x = data.x as unknown[];
      const first = x[(data.labels as number[]).indexOf(0)];
      const dup = x.map(() => first);
      const labels = x.map(() => 0);
      return { json: JSON.stringify({ ...data, x: dup, labels }), csv: csvOf(dup, labels) };
    },
  },
];

/** `count` hostile cases, cycling through the exercises that take data and the kinds of breakage. */
export function hostileDataSets(rng: Rng, count: number): HostileCase[] {
  const out: HostileCase[] = [];
  // A pool of valid data sets per exercise to break (drawing a variant per case would dominate the time).
  const pool = new Map(SLUGS.map((slug) => [slug, Array.from({ length: 16 }, () => createVariant(slug, rng.int(1, 1_000_000)).data as Record<string, unknown>)]));
  for (let i = 0; i < count; i++) {
    const slug = SLUGS[i % SLUGS.length]!;
    const breakage = BREAKAGES[Math.floor(i / SLUGS.length) % BREAKAGES.length]!;
    const valid = pick(rng, pool.get(slug)!);
    const r = breakage.apply(structuredClone(valid), rng);
    out.push({ slug, kind: breakage.kind, json: r.json, ...(r.csv && GIVEN_DATA[slug]!.fromCsv ? { csv: r.csv } : {}) });
  }
  return out;
}
