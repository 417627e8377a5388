/**
 * Per-question statistics of a live quiz: the histogram of the class's numeric answers (per part;
 * its first entry for a vector or matrix), answers grouped by diagnosed mistake, and the share
 * correct, for the whole answer and for each part. Pure: stored responses in, numbers out.
 */
import type { Shape } from "../grading";

export type ResponseForStats = {
  parsed: Record<string, unknown>;
  /** Per part; `mistake` is the diagnosed mistake's id and `feedback` then its message. */
  results: { name: string; correct: boolean; feedback: string; mistake?: string }[];
  score: number;
  /** The key of the variant the answer was graded against (each student's own with personal data). */
  key: Record<string, unknown>;
};

export type HistogramData = {
  /** The part plotted and which entry of it. */
  part: string;
  /** Axis label, e.g. "mean", "means, first entry [1, 1]" or "error in variance (answer − your key)". */
  axisLabel: string;
  /** "value": the answers themselves (shared data); "error": answer minus the student's own key (personal data). */
  mode: "value" | "error";
  /** The correct value to mark: the key (shared data) or 0 (personal data); null without a key. */
  correct: number | null;
  /** Values shown (outliers removed), sorted. */
  values: number[];
  /** Answers too far from the rest to fit a readable axis, left off the plot. */
  offChart: number;
};

export type AnswerGroup = { kind: "correct" | "mistake" | "other" | "unreadable"; label: string; count: number };

/** One answer part across the class: its own histogram, correct count and mistake groups. */
export type PartStats = {
  part: string;
  label: string;
  /** Answers with this part right (0..responses). */
  correct: number;
  shareCorrect: number | null;
  histogram: HistogramData;
  groups: AnswerGroup[];
};

export type QuestionStats = {
  responses: number;
  correct: number;
  /** Share of stored answers fully correct (0..1), null with no answers. */
  shareCorrect: number | null;
  histogram: HistogramData;
  groups: AnswerGroup[];
  /** Every answer part, in order (a class can get the mean right and the variance wrong). */
  parts: PartStats[];
};

/** The first entry of a scalar, vector or matrix value (NaN when the value has none). */
export function firstEntry(v: unknown): number {
  let x: unknown = v;
  while (Array.isArray(x)) x = x[0];
  return typeof x === "number" ? x : NaN;
}

/** How the first entry of a part is named on an axis. */
export function entryLabel(label: string, shape: Shape | undefined): string {
  if (!shape || shape.kind === "scalar") return label;
  if (shape.kind === "vector") return `${label}, first entry`;
  return `${label}, entry (1, 1)`;
}

/** Quartile by linear interpolation of sorted values. */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Keeps the values a readable axis can show: within 3 interquartile ranges of the quartiles (and
 * at least a band around the correct value), so one answer of 1e9 does not squash the rest.
 */
export function trimOutliers(values: number[], correct: number | null): { kept: number[]; dropped: number } {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < 4) return { kept: sorted, dropped: values.length - sorted.length };
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const centre = correct ?? quantile(sorted, 0.5);
  const spread = Math.max(q3 - q1, Math.abs(centre) * 0.05, 1e-9);
  const lo = Math.min(q1, centre) - 3 * spread;
  const hi = Math.max(q3, centre) + 3 * spread;
  const kept = sorted.filter((v) => v >= lo && v <= hi);
  return { kept, dropped: values.length - kept.length };
}

/**
 * Statistics of one question. `allParts` are the exercise's answer parts (the top-level histogram
 * is the first one's; `parts` has each); `personal` says whether every student had their own data
 * (then histograms show errors against each key).
 */
export function questionStats(
  responses: ResponseForStats[],
  allParts: { name: string; label: string; shape?: Shape }[],
  personal: boolean,
  unreadable: number,
): QuestionStats {
  const firstPart = allParts[0]!;
  const histogram = partHistogram(responses, firstPart, personal);

  const byMistake = new Map<string, { label: string; count: number }>();
  let correctCount = 0;
  let other = 0;
  for (const r of responses) {
    if (r.results.length > 0 && r.results.every((p) => p.correct)) {
      correctCount++;
      continue;
    }
    const diagnosed = r.results.find((p) => !p.correct && p.mistake);
    if (diagnosed) {
      const id = diagnosed.mistake!;
      const group = byMistake.get(id) ?? { label: diagnosed.feedback, count: 0 };
      group.count++;
      byMistake.set(id, group);
    } else other++;
  }
  const groups: AnswerGroup[] = [{ kind: "correct", label: "Correct", count: correctCount }];
  for (const { label, count } of [...byMistake.values()].sort((a, b) => b.count - a.count)) groups.push({ kind: "mistake", label, count });
  groups.push({ kind: "other", label: "Other wrong", count: other });
  groups.push({ kind: "unreadable", label: "Unreadable (not stored)", count: unreadable });
  return {
    responses: responses.length,
    correct: correctCount,
    shareCorrect: responses.length ? correctCount / responses.length : null,
    histogram,
    groups,
    parts: allParts.map((p) => partStats(responses, p, personal)),
  };
}

/** One part across the class: right, each diagnosed mistake, other wrong (unanswered parts count as wrong). */
export function partStats(responses: ResponseForStats[], part: { name: string; label: string; shape?: Shape }, personal: boolean): PartStats {
  const byMistake = new Map<string, { label: string; count: number }>();
  let correct = 0;
  let other = 0;
  for (const r of responses) {
    const result = r.results.find((p) => p.name === part.name);
    if (result?.correct) correct++;
    else if (result?.mistake) {
      const group = byMistake.get(result.mistake) ?? { label: result.feedback, count: 0 };
      group.count++;
      byMistake.set(result.mistake, group);
    } else other++;
  }
  const groups: AnswerGroup[] = [{ kind: "correct", label: "Correct", count: correct }];
  for (const { label, count } of [...byMistake.values()].sort((a, b) => b.count - a.count)) groups.push({ kind: "mistake", label, count });
  groups.push({ kind: "other", label: "Other wrong", count: other });
  return {
    part: part.name,
    label: part.label,
    correct,
    shareCorrect: responses.length ? correct / responses.length : null,
    histogram: partHistogram(responses, part, personal),
    groups,
  };
}

/** The histogram of one part's answers (its first entry): values, or errors against each student's key. */
function partHistogram(responses: ResponseForStats[], firstPart: { name: string; label: string; shape?: Shape }, personal: boolean): HistogramData {
  const raw: number[] = [];
  for (const r of responses) {
    const answer = firstEntry(r.parsed[firstPart.name]);
    if (!Number.isFinite(answer)) continue;
    if (personal) {
      const key = firstEntry(r.key[firstPart.name]);
      if (Number.isFinite(key)) raw.push(answer - key);
    } else raw.push(answer);
  }
  const sharedKey = !personal && responses.length > 0 ? firstEntry(responses[0]!.key[firstPart.name]) : NaN;
  const correct = personal ? 0 : Number.isFinite(sharedKey) ? sharedKey : null;
  const { kept, dropped } = trimOutliers(raw, correct);
  const entry = entryLabel(firstPart.label, firstPart.shape);
  return {
    part: firstPart.name,
    axisLabel: personal ? `error in ${entry} (answer − own correct value)` : entry,
    mode: personal ? "error" : "value",
    correct,
    values: kept,
    offChart: dropped,
  };
}
