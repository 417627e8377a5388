import type { ItemRow } from "../db/assignments";
import type { Db } from "../db/client";
import { selectItemSubmissions } from "../db/item-submissions";
import type { PartFeedback } from "./submit";

export type ItemStats = {
  students: number;
  submissions: number;
  meanScore: number | null;
  /** Share of students whose first attempt was fully right. */
  firstAttemptCorrect: number | null;
  /** Counted (best) score per student, in buckets 0-20%, ..., 80-100%, and exactly 100%. */
  distribution: { label: string; value: number }[];
  /**
   * Per part: the diagnosed mistakes, and how far the other wrong answers were from the student's
   * own key (relative error). Raw values are not listed: every student has their own data set, so
   * two wrong numbers side by side mean nothing.
   */
  parts: { name: string; wrong: number; mistakes: { message: string; count: number }[]; errors: { label: string; count: number }[] }[];
};

/** Relative-error classes for wrong answers that match no known mistake. */
export const ERROR_CLASSES = ["under 1%", "1–5%", "5–20%", "20–100%", "over 100%", "other shape"] as const;

function numbers(v: unknown): number[] | null {
  if (typeof v === "number") return [v];
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    const inner = numbers(x);
    if (!inner) return null;
    out.push(...inner);
  }
  return out;
}

/** ||answer - key|| / ||key|| (Euclidean over all entries); null when shapes differ. */
export function relativeError(answer: unknown, key: unknown): number | null {
  const a = numbers(answer);
  const k = numbers(key);
  if (!a || !k || a.length !== k.length || a.length === 0) return null;
  let diff = 0;
  let norm = 0;
  a.forEach((x, i) => {
    diff += (x - k[i]!) ** 2;
    norm += k[i]! ** 2;
  });
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

function errorClass(rel: number | null): (typeof ERROR_CLASSES)[number] {
  if (rel === null || !Number.isFinite(rel)) return "other shape";
  return rel < 0.01 ? "under 1%" : rel < 0.05 ? "1–5%" : rel < 0.2 ? "5–20%" : rel <= 1 ? "20–100%" : "over 100%";
}

const BUCKETS = ["0–19%", "20–39%", "40–59%", "60–79%", "80–99%", "100%"];

function bucket(score: number): number {
  return score >= 1 ? 5 : Math.min(4, Math.floor(score * 5));
}

function top<T extends { count: number }>(m: Map<string, T>, n = 5): T[] {
  return [...m.values()].sort((a, b) => b.count - a.count).slice(0, n);
}

/** Statistics of one item over all students' submissions. */
export async function itemStats(db: Db, item: ItemRow): Promise<ItemStats> {
  const subs = await selectItemSubmissions(db, item.id, { studentsOnly: true });
  const best = new Map<number, number>();
  let firstTotal = 0;
  let firstRight = 0;
  const parts = new Map<string, { name: string; wrong: number; errors: Map<string, number>; mistakes: Map<string, { message: string; count: number }> }>();
  for (const s of subs) {
    best.set(s.userId, Math.max(best.get(s.userId) ?? 0, s.score));
    if (s.attempt === 1) {
      firstTotal++;
      if (s.score === 1) firstRight++;
    }
    const parsed = JSON.parse(s.parsed) as Record<string, unknown>;
    const key = JSON.parse(s.variant.key) as Record<string, unknown>;
    for (const p of JSON.parse(s.results) as PartFeedback[]) {
      let entry = parts.get(p.name);
      if (!entry) parts.set(p.name, (entry = { name: p.name, wrong: 0, errors: new Map(), mistakes: new Map() }));
      if (p.correct) continue;
      entry.wrong++;
      if (p.mistake) {
        const m = entry.mistakes.get(p.mistake) ?? { message: p.feedback, count: 0 };
        m.count++;
        entry.mistakes.set(p.mistake, m);
        continue;
      }
      const cls = errorClass(relativeError(parsed[p.name], key[p.name]));
      entry.errors.set(cls, (entry.errors.get(cls) ?? 0) + 1);
    }
  }
  const counts = BUCKETS.map(() => 0);
  for (const score of best.values()) counts[bucket(score)]!++;
  const scores = [...best.values()];
  return {
    students: best.size,
    submissions: subs.length,
    meanScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    firstAttemptCorrect: firstTotal ? firstRight / firstTotal : null,
    distribution: BUCKETS.map((label, i) => ({ label, value: counts[i]! })),
    parts: [...parts.values()].map((p) => ({
      name: p.name,
      wrong: p.wrong,
      mistakes: top(p.mistakes),
      errors: ERROR_CLASSES.map((label) => ({ label, count: p.errors.get(label) ?? 0 })).filter((e) => e.count > 0),
    })),
  };
}
