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
  /** Per part: the most frequent wrong answers as typed (whitespace-normalised) and the diagnosed mistakes. */
  parts: { name: string; wrong: number; commonWrong: { answer: string; count: number }[]; mistakes: { message: string; count: number }[] }[];
};

const BUCKETS = ["0–19%", "20–39%", "40–59%", "60–79%", "80–99%", "100%"];

function bucket(score: number): number {
  return score >= 1 ? 5 : Math.min(4, Math.floor(score * 5));
}

function top<T extends { count: number }>(m: Map<string, T>, n = 5): T[] {
  return [...m.values()].sort((a, b) => b.count - a.count).slice(0, n);
}

/** Statistics of one item over all students' submissions. */
export async function itemStats(db: Db, item: ItemRow): Promise<ItemStats> {
  const subs = await selectItemSubmissions(db, item.id);
  const best = new Map<number, number>();
  let firstTotal = 0;
  let firstRight = 0;
  const parts = new Map<string, { name: string; wrong: number; answers: Map<string, { answer: string; count: number }>; mistakes: Map<string, { message: string; count: number }> }>();
  for (const s of subs) {
    best.set(s.userId, Math.max(best.get(s.userId) ?? 0, s.score));
    if (s.attempt === 1) {
      firstTotal++;
      if (s.score === 1) firstRight++;
    }
    const raw = JSON.parse(s.raw) as Record<string, unknown>;
    for (const p of JSON.parse(s.results) as PartFeedback[]) {
      let entry = parts.get(p.name);
      if (!entry) parts.set(p.name, (entry = { name: p.name, wrong: 0, answers: new Map(), mistakes: new Map() }));
      if (p.correct) continue;
      entry.wrong++;
      const typed = raw[p.name];
      const answer = (typeof typed === "string" ? typed : JSON.stringify(typed)).replace(/\s+/g, " ").trim().slice(0, 200);
      const a = entry.answers.get(answer) ?? { answer, count: 0 };
      a.count++;
      entry.answers.set(answer, a);
      if (p.mistake) {
        const m = entry.mistakes.get(p.mistake) ?? { message: p.feedback, count: 0 };
        m.count++;
        entry.mistakes.set(p.mistake, m);
      }
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
    parts: [...parts.values()].map((p) => ({ name: p.name, wrong: p.wrong, commonWrong: top(p.answers), mistakes: top(p.mistakes) })),
  };
}
