/**
 * The catalogue's self-check (`likely exercises check`), also run by Jest for a few seeds.
 * For each exercise and seed it verifies, on the variant with default (or example) parameters:
 * determinism, different data for other seeds, finite data and key, full marks for the key after a
 * JSON round trip and 10-digit text formatting, every known mistake recognised by id and losing its
 * part, no known mistake and no value given in the question (a parameter, a true value the data
 * were drawn from, a starting point) within tolerance of the key, a perturbation beyond tolerance
 * losing the part, later parts carried forward from a mistaken earlier part accepted and moved
 * beyond tolerance refused (exercises with error carried forward), and a question page without NaN, "undefined" or any key value. One
 * exercise-seed pair passes when all of these hold.
 */
import { isDeepStrictEqual } from "node:util";
import { allClose, type Mistake, partTolerance, type PartResult, type PartSpec, type Value } from "../src/grading";
import { formatNumber } from "../src/render";
import { allFinite } from "./common";
import {
  createVariant,
  exerciseSlugs,
  generateData,
  getExercise,
  givenValuesMatchingKey,
  gradeVariant,
  mistakesMatchingKey,
  renderQuestion,
  renderSolution,
  toStudentVariant,
  type VariantRecord,
  variantMistakes,
  variantProblems,
  variantParts,
} from "./index";

export type CheckFailure = { slug: string; seed: number; message: string };
export type CheckSummary = { passed: number; failed: number; failures: CheckFailure[] };

/** The parameters the check uses for a seed: the defaults, or one of the exercise's examples in turn. */
export function checkParamsFor(slug: string, seed: number): Record<string, unknown> {
  const examples = getExercise(slug)?.examples ?? [];
  const all = [{}, ...examples];
  return all[seed % all.length];
}

/** A value as text with 10 significant digits, the way a student might paste it. */
export function valueAsText(v: Value): string {
  const f = (x: number) => x.toPrecision(10);
  if (typeof v === "number") return f(v);
  if (Array.isArray(v[0])) return `[${(v as number[][]).map((row) => `[${row.map(f).join(", ")}]`).join(", ")}]`;
  return (v as number[]).map(f).join(", ");
}

function perturb(v: Value, part: PartSpec, sign = 1): Value {
  const { rtol, atol } = partTolerance(part);
  const f = (x: number) => x + sign * (Math.abs(x) * 5 * rtol + 10 * atol);
  if (typeof v === "number") return f(v);
  if (Array.isArray(v[0])) return (v as number[][]).map((row) => row.map(f));
  return (v as number[]).map(f);
}

function significantDigits(token: string): number {
  const mantissa = token.replace(/^-/, "").replace(/e.*$/i, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return mantissa.length;
}

function collectNumbers(v: unknown, out: number[]): number[] {
  if (typeof v === "number") out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectNumbers(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) collectNumbers(x, out);
  return out;
}

function numberTokens(text: string): Set<string> {
  return new Set(text.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g) ?? []);
}

/** Renderings of a number a page might show: String(v) and 3 to 6 significant digits. */
function renderings(x: number): string[] {
  return [String(x), ...[3, 4, 5, 6].map((s) => formatNumber(x, s))];
}

/**
 * Key values found on a question page. Text is searched outside tags (attributes such as SVG
 * coordinates are not text). Tokens of 2 or fewer significant digits are too common to mean
 * anything; inside SVG (axis ticks are round numbers) a token needs 4 or more and tooltips are
 * skipped (histogram bin edges come from the data); numbers given in the data or parameters are not leaks.
 */
export function keyValuesInHtml(html: string, key: Record<string, Value>, given: unknown): string[] {
  // Tooltips (<title>) of histogram bins show bin edges computed from the data, not answers.
  const svgParts = (html.match(/<svg[\s\S]*?<\/svg>/g) ?? []).map((svg) => svg.replace(/<title>[\s\S]*?<\/title>/g, " "));
  const outside = html.replace(/<svg[\s\S]*?<\/svg>/g, " ");
  const textOf = (h: string) =>
    h
      .replace(/<[^>]*>/g, " ")
      .replace(/&minus;|−/g, "-")
      .replace(/&[a-z#0-9]+;/gi, " ");
  const outsideTokens = numberTokens(textOf(outside));
  const svgTokens = numberTokens(textOf(svgParts.join(" ")));
  const allowed = new Set(collectNumbers(given, []).flatMap(renderings));
  const found: string[] = [];
  for (const [part, value] of Object.entries(key)) {
    for (const x of collectNumbers(value, [])) {
      if (Number.isInteger(x) || x === 0) continue;
      for (const token of new Set(renderings(x))) {
        if (allowed.has(token) || significantDigits(token) <= 2) continue;
        if (outsideTokens.has(token) || (significantDigits(token) >= 4 && svgTokens.has(token))) {
          found.push(`${part}: ${token}`);
        }
      }
    }
  }
  return found;
}

function partProblem(results: PartResult[], name: string): PartResult | undefined {
  return results.find((r) => r.name === name);
}

/**
 * Error carried forward, for exercises that offer it: after each known mistake in an earlier part,
 * the later parts computed from the mistaken values are graded right with `carriedForward` (and
 * wrong when the item turns carried-forward credit off), while the same values moved beyond the
 * tolerance are refused.
 */
function checkCarriedForward(v: VariantRecord, mistakes: Mistake[]): string[] {
  const ex = getExercise(v.slug);
  if (!ex?.carryForward) return [];
  const failures: string[] = [];
  const parts = variantParts(v);
  for (const m of mistakes) {
    const answers: Record<string, Value> = { ...v.key, ...(m.answers as Record<string, Value>) };
    for (const c of ex.carryForward(v.data, v.params, answers, partTolerance(parts[0]!))) {
      const part = parts.find((p) => p.name === c.part);
      const { rtol, atol } = partTolerance(part ?? parts[0]!);
      if (!part || !c.from.some((f) => m.answers[f] !== undefined) || allClose(c.value, v.key[c.part]!, rtol, atol)) continue;
      // The mistake's own value for this part by chance equals the carried one: the mistake is named instead.
      if (m.answers[c.part] !== undefined && allClose(c.value, m.answers[c.part]!, 2 * rtol, 2 * atol)) continue;
      const consistent = { ...answers, [c.part]: c.value };
      const r = gradeVariant(v, consistent);
      const res = r.ok ? partProblem(r.parts, c.part) : undefined;
      if (!res?.correct || res.carriedForward !== true) {
        failures.push(`${c.part} computed from ${c.basis} after mistake ${m.id} was not accepted as carried forward (${res?.feedback ?? "unreadable"})`);
      }
      const off = gradeVariant(v, consistent, { carryForward: 0 });
      if (off.ok && partProblem(off.parts, c.part)?.correct !== false) failures.push(`${c.part} after mistake ${m.id} was accepted with carried-forward credit off`);
      // Moved up and down beyond tolerance; a direction that lands on the key or another carried value proves nothing.
      const candidates = [v.key[c.part]!, ...ex.carryForward(v.data, v.params, answers, partTolerance(parts[0]!)).filter((o) => o.part === c.part).map((o) => o.value)];
      for (const sign of [1, -1]) {
        const moved = perturb(c.value, part, sign);
        if (candidates.some((other) => allClose(moved, other, 2 * rtol, 2 * atol))) continue;
        const inconsistent = gradeVariant(v, { ...answers, [c.part]: moved });
        if (inconsistent.ok && partProblem(inconsistent.parts, c.part)?.correct !== false) {
          failures.push(`${c.part} inconsistent with ${c.basis} after mistake ${m.id} was accepted`);
        }
      }
    }
  }
  return failures;
}

/** All failures of one exercise-seed pair ([] when it passes). */
export function checkVariant(slug: string, seed: number, params: Record<string, unknown> = checkParamsFor(slug, seed)): string[] {
  const failures: string[] = [];
  let v: VariantRecord;
  try {
    v = createVariant(slug, seed, params);
  } catch (err) {
    return [`createVariant threw: ${(err as Error).message}`];
  }
  try {
    // Determinism and variety.
    if (!isDeepStrictEqual(createVariant(slug, seed, params), v)) failures.push("the same seed gave a different variant");
    const others = [seed + 1, seed + 2].map((s) => generateData(slug, s, params));
    if (others.every((d) => isDeepStrictEqual(d, v.data))) failures.push(`seeds ${seed + 1} and ${seed + 2} gave the same data as seed ${seed}`);

    // Non-degenerate data and key.
    if (!allFinite(v.data)) failures.push("the data hold a non-finite number");
    if (!allFinite(v.key)) failures.push(`the key holds a non-finite number: ${JSON.stringify(v.key)}`);
    failures.push(...variantProblems(v).map((p) => `degenerate data: ${p}`));

    // The key, through JSON and 10-digit text, scores full marks.
    const stored = JSON.parse(JSON.stringify(v)) as VariantRecord;
    const parts = variantParts(stored);
    const asText: Record<string, string> = {};
    for (const p of parts) asText[p.name] = valueAsText(stored.key[p.name]);
    const g = gradeVariant(stored, asText);
    if (!g.ok) failures.push(`the key as text did not parse: ${JSON.stringify(g.errors)}`);
    else if (g.score !== 1) failures.push(`the key scored ${g.score}: ${JSON.stringify(g.parts.filter((p) => !p.correct))}`);

    // No known mistake and no given value is within tolerance of the key (it would score as right).
    for (const m of mistakesMatchingKey(stored)) failures.push(`mistake ${m.id} on part ${m.part} is within tolerance of the key`);
    for (const g of givenValuesMatchingKey(stored)) failures.push(`the given value ${g} is within tolerance of the key`);

    // Each known mistake is diagnosed and loses its parts.
    const mistakes = variantMistakes(stored);
    for (const m of mistakes) {
      const answers: Record<string, unknown> = { ...stored.key, ...m.answers };
      const r = gradeVariant(stored, answers);
      if (!r.ok) {
        failures.push(`mistake ${m.id} did not parse: ${JSON.stringify(r.errors)}`);
        continue;
      }
      for (const part of Object.keys(m.answers)) {
        const res = partProblem(r.parts, part);
        if (!res || res.correct) {
          failures.push(`mistake ${m.id} was graded correct on part ${part}`);
          continue;
        }
        if (res.mistake !== m.id) {
          failures.push(`mistake ${m.id} on part ${part} was diagnosed as ${res.mistake ?? "no mistake"} (${res.feedback})`);
        }
        if (res.mistake !== undefined && !res.feedback) failures.push(`mistake ${m.id} has no feedback`);
      }
    }

    failures.push(...checkCarriedForward(stored, mistakes));

    // A perturbation beyond the tolerance loses exactly that part.
    for (const p of parts) {
      const answers: Record<string, unknown> = { ...stored.key, [p.name]: perturb(stored.key[p.name], p) };
      const r = gradeVariant(stored, answers);
      if (!r.ok) failures.push(`perturbed ${p.name} did not parse`);
      else if (partProblem(r.parts, p.name)?.correct !== false) failures.push(`a perturbation beyond tolerance of ${p.name} was graded correct`);
    }

    // The question page: no key, no NaN or undefined.
    const student = toStudentVariant(stored);
    const { html } = renderQuestion(student);
    if (/NaN|undefined/.test(html)) failures.push('the question HTML contains "NaN" or "undefined"');
    if (!html.includes('class="katex"')) failures.push("the question HTML has no KaTeX math");
    const leaks = keyValuesInHtml(html, stored.key, { data: stored.data, params: stored.params });
    if (leaks.length > 0) failures.push(`the question HTML shows key values: ${leaks.join(", ")}`);
    const solution = renderSolution(stored);
    if (/NaN|undefined/.test(solution)) failures.push('the solution HTML contains "NaN" or "undefined"');
  } catch (err) {
    failures.push(`threw: ${(err as Error).stack ?? err}`);
  }
  return failures;
}

/** Checks every exercise (or those named) over seeds 1..seeds. Counts exercise-seed pairs. */
export function runChecks(opts: { seeds: number; slugs?: string[]; onFailure?: (f: CheckFailure) => void }): CheckSummary {
  const summary: CheckSummary = { passed: 0, failed: 0, failures: [] };
  for (const slug of opts.slugs ?? exerciseSlugs()) {
    for (let seed = 1; seed <= opts.seeds; seed++) {
      const problems = checkVariant(slug, seed);
      if (problems.length === 0) summary.passed++;
      else {
        summary.failed++;
        for (const message of problems) {
          const f = { slug, seed, message };
          summary.failures.push(f);
          opts.onFailure?.(f);
        }
      }
    }
  }
  return summary;
}
