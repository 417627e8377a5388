/**
 * The catalogue's self-check (`likely exercises check`), also run by Jest for a few seeds.
 * For each exercise and seed it verifies, on the variant with default (or example) parameters:
 * determinism, different data for other seeds, finite data and key, full marks for the key after a
 * JSON round trip and 10-digit text formatting, every known mistake recognised by id and losing its
 * part, no known mistake and no value given in the question (a parameter, a true value the data
 * were drawn from, a starting point) within tolerance of the key, a perturbation beyond tolerance
 * losing the part, later parts carried forward from a mistaken earlier part accepted and moved
 * beyond tolerance refused (exercises with error carried forward), and a question page without NaN, "undefined" or any key value. An exercise
 * offering parametrisations (variance or standard deviation, ...) is checked again on the seed with
 * one of them asked (in turn: each alternative alone, all together, the lecture's explicitly). One
 * exercise-seed pair passes when all of these hold.
 */
import { isDeepStrictEqual } from "node:util";
import { allClose, type Mistake, partTolerance, type PartResult, type PartSpec, type Value } from "../src/grading";
import { formatNumber } from "../src/render";
import { allFinite } from "./common";
import { createRng } from "../src/solver/random";
import { hostileDataSets, type HostileCase } from "./given-data-fuzz";
import {
  carriedForwardValues,
  createVariant,
  createVariantFromData,
  csvLayout,
  dataAsCsv,
  GivenCsvError,
  GivenDataError,
  givenDataSlugs,
  readGivenCsv,
  exerciseSlugs,
  generateData,
  getExercise,
  givenValuesMatchingKey,
  parametrisationOffers,
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

/** The parametrisation choices the check cycles through for an exercise ([] when it offers none). */
export function checkParametrisations(slug: string): Record<string, string>[] {
  const offers = parametrisationOffers(slug);
  if (offers.length === 0) return [];
  const alone = offers.map((o) => ({ [o.quantity]: o.choices[1] }));
  const together = Object.fromEntries(offers.map((o) => [o.quantity, o.choices[1]]));
  const lecture = Object.fromEntries(offers.map((o) => [o.quantity, o.choices[0]]));
  return [...alone, ...(offers.length > 1 ? [together] : []), lecture];
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
    for (const c of carriedForwardValues(v, answers, partTolerance(parts[0]!))) {
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
      const candidates = [v.key[c.part]!, ...carriedForwardValues(v, answers, partTolerance(parts[0]!)).filter((o) => o.part === c.part).map((o) => o.value)];
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
      const choices = checkParametrisations(slug);
      if (choices.length > 0) {
        const parametrisation = choices[seed % choices.length]!;
        const label = JSON.stringify(parametrisation);
        problems.push(...checkVariant(slug, seed, { ...checkParamsFor(slug, seed), parametrisation }).map((m) => `with parametrisation ${label}: ${m}`));
      }
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

/**
 * The instructor-data check: for each exercise that takes given data, the lecture's points (for
 * gaussian-mle) and generated data sets given back as data (JSON and CSV) give the same key as the
 * generated variant, every student the same variant, and the key full marks; `fuzz` hostile data
 * sets (exercises/given-data-fuzz.ts) are each refused with a GivenDataError or GivenCsvError naming
 * the problem, never another exception. Counts checked data sets.
 */
export function runGivenDataChecks(opts: { seeds: number; fuzz: number; onFailure?: (f: CheckFailure) => void }): CheckSummary {
  const summary: CheckSummary = { passed: 0, failed: 0, failures: [] };
  const record = (slug: string, seed: number, problems: string[]) => {
    if (problems.length === 0) return void summary.passed++;
    summary.failed++;
    for (const message of problems) {
      const f = { slug, seed, message };
      summary.failures.push(f);
      opts.onFailure?.(f);
    }
  };
  record("gaussian-mle", 0, checkLectureData());
  for (const slug of givenDataSlugs()) {
    for (let seed = 1; seed <= opts.seeds; seed++) record(slug, seed, checkGivenBack(slug, seed));
  }
  for (const c of hostileDataSets(createRng(opts.seeds), opts.fuzz)) record(c.slug, 0, checkRefused(c));
  return summary;
}

/** The lecture's 16-point example: the key is the solver's MLE, and it grades like generated data. */
function checkLectureData(): string[] {
  const x = [2.1, 0, 3.5, -1, 1.5, 2.5, -0.5, 0.05, 1, -2, 0, 1, -2, 1.1, -0.5, -0.03];
  const failures: string[] = [];
  const { variant, warnings } = createVariantFromData("gaussian-mle", { x });
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  if (Math.abs((variant.key.mean as number) - mean) > 1e-12 || Math.abs((variant.key.variance as number) - variance) > 1e-12) {
    failures.push(`lecture data: key ${JSON.stringify(variant.key)}, expected mean ${mean} and variance ${variance}`);
  }
  if (warnings.length > 0) failures.push(`lecture data: unexpected warnings ${warnings.join("; ")}`);
  return [...failures, ...gradesLikeGenerated(variant, "lecture data")];
}

function gradesLikeGenerated(v: VariantRecord, label: string): string[] {
  const failures: string[] = [];
  const asText: Record<string, string> = {};
  for (const p of variantParts(v)) asText[p.name] = valueAsText(v.key[p.name]);
  const g = gradeVariant(v, asText);
  if (!g.ok || g.score !== 1) failures.push(`${label}: the key did not score full marks`);
  for (const m of variantMistakes(v)) {
    const r = gradeVariant(v, { ...v.key, ...m.answers });
    for (const part of Object.keys(m.answers)) {
      if (!r.ok || partProblem(r.parts, part)?.mistake !== m.id) failures.push(`${label}: mistake ${m.id} on part ${part} was not diagnosed`);
    }
  }
  const html = renderQuestion(toStudentVariant(v)).html + renderSolution(v);
  if (/NaN|undefined/.test(html)) failures.push(`${label}: the question or solution HTML contains "NaN" or "undefined"`);
  return failures;
}

/** A generated variant's data given back (as JSON, and as its CSV download) yields the same key. */
function checkGivenBack(slug: string, seed: number): string[] {
  const failures: string[] = [];
  const generated = createVariant(slug, seed);
  try {
    const given = createVariantFromData(slug, generated.data).variant;
    if (!isDeepStrictEqual(given.key, generated.key)) failures.push(`given back as JSON, the key changed: ${JSON.stringify(given.key)} vs ${JSON.stringify(generated.key)}`);
    if (!isDeepStrictEqual(createVariantFromData(slug, generated.data).variant, given)) failures.push("the same given data gave two different variants");
    failures.push(...gradesLikeGenerated(given, "given data"));
    if (csvLayout(slug)) {
      const fromCsv = readGivenCsv(slug, dataAsCsv(toStudentVariant(generated)));
      if (!isDeepStrictEqual(fromCsv.data, given.data)) failures.push("the data's CSV download, uploaded again, gave different data");
    }
  } catch (err) {
    failures.push(`generated data given back was refused: ${(err as Error).message}`);
  }
  return failures;
}

function checkRefused(c: HostileCase): string[] {
  const failures: string[] = [];
  const attempt = (what: string, run: () => unknown) => {
    try {
      run();
      failures.push(`${c.kind}: ${what} was accepted: ${c.json.slice(0, 120)}`);
    } catch (err) {
      if (!(err instanceof GivenDataError || err instanceof GivenCsvError || err instanceof SyntaxError)) failures.push(`${c.kind}: ${what} threw ${(err as Error).name}: ${(err as Error).message}`);
      else if ((err as Error).message.length < 10) failures.push(`${c.kind}: ${what} was refused without a reason`);
    }
  };
  attempt("JSON", () => createVariantFromData(c.slug, JSON.parse(c.json)));
  if (c.csv !== undefined) attempt("CSV", () => createVariantFromData(c.slug, readGivenCsv(c.slug, c.csv!).data));
  return failures;
}
