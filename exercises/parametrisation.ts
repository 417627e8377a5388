/**
 * Parametrisations: where the lecture's parameter has a common alternative (variance vs standard
 * deviation, covariance vs precision, weights vs log-weights), an item may ask for the alternative.
 * The choice travels in the item's (and so the variant's) params as `parametrisation`, e.g.
 * `{variance: "sd"}`; absent means the lecture's, exactly as before. The registry (index.ts) applies
 * it around the exercise: the key and the known mistakes are converted, the parts relabelled, the
 * worked solution gets a final converting step, the question a sentence saying what is asked; and
 * an answer in the other parametrisation is a named mistake in either direction.
 */
import { z } from "zod";
import { DEFAULT_ATOL, DEFAULT_RTOL, type Mistake, type PartSpec, type Value } from "../src/grading";
import { formatNumber } from "../src/render";
import { mapValue } from "./common";
import type { Key, SolutionStep, WorkedSolution } from "./contract";
import { texMat, texNum, texVec } from "./tex";

export const QUANTITIES = ["variance", "covariance", "weights"] as const;
export type Quantity = (typeof QUANTITIES)[number];

/** A quantity's two parametrisations: the lecture's first, then the alternative. */
type QuantityDef = {
  lecture: string;
  alternative: string;
  /** Nouns for messages and the question sentence (plain text, Unicode). */
  lectureNoun: string;
  alternativeNoun: string;
  /** Lecture value -> alternative value, and back. */
  forward(v: Value): Value;
  backward(v: Value): Value;
  /** The worked solution's final step, converting the lecture's estimate (TeX built here). */
  step(part: string, lecture: Value, alternative: Value): SolutionStep;
};

/** Gauss–Jordan inverse with partial pivoting (small d x d matrices; NaN entries when singular). */
export function invert(a: number[][]): number[][] {
  const d = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (!(Math.abs(m[p]![c]!) > 1e-300)) return a.map((row) => row.map(() => NaN));
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    for (let j = 0; j < 2 * d; j++) m[c]![j]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * d; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  // The inverse of a symmetric matrix is symmetric: average away the round-off.
  const inv = m.map((row) => row.slice(d));
  return inv.map((row, i) => row.map((x, j) => (x + inv[j]![i]!) / 2));
}

function texValue(v: Value): string {
  if (typeof v === "number") return texNum(v, 6);
  return Array.isArray(v[0]) ? texMat(v as number[][], 6) : texVec(v as number[], 6);
}

const DEFS: Record<Quantity, QuantityDef> = {
  variance: {
    lecture: "variance",
    alternative: "sd",
    lectureNoun: "variance σ²",
    alternativeNoun: "standard deviation σ",
    forward: (v) => mapValue(v, Math.sqrt),
    backward: (v) => mapValue(v, (x) => x * x),
    step: (_part, lecture, sd) => ({
      title: "Convert to the standard deviation",
      text: "This item asks for the standard deviation: the square root of the variance.",
      tex: typeof lecture === "number" ? String.raw`\hat\sigma = \sqrt{\hat\sigma^2} = \sqrt{${texValue(lecture)}} = ${texValue(sd)}` : String.raw`\hat\sigma_j = \sqrt{\hat\sigma_j^2}`,
      numbers: [{ label: typeof lecture === "number" ? String.raw`\hat\sigma` : String.raw`(\hat\sigma_1, \ldots, \hat\sigma_k)`, value: sd }],
    }),
  },
  covariance: {
    lecture: "covariance",
    alternative: "precision",
    lectureNoun: "covariance matrix Σ",
    alternativeNoun: "precision matrix Λ = Σ⁻¹",
    forward: (v) => invert(v as number[][]),
    backward: (v) => invert(v as number[][]),
    step: (_part, _lecture, precision) => ({
      title: "Convert to the precision matrix",
      text: "This item asks for the precision matrix: the inverse of the covariance matrix.",
      tex: String.raw`\hat\Lambda = \hat\Sigma^{-1} = ${texValue(precision)}`,
      numbers: [{ label: String.raw`\hat\Lambda`, value: precision }],
    }),
  },
  weights: {
    lecture: "weights",
    alternative: "log-weights",
    lectureNoun: "mixing weights γ",
    alternativeNoun: "log-weights ln γ",
    forward: (v) => mapValue(v, Math.log),
    backward: (v) => mapValue(v, Math.exp),
    step: (_part, _lecture, logs) => ({
      title: "Convert to log-weights",
      text: "This item asks for the natural logarithms of the mixing weights.",
      tex: String.raw`\ln\hat\gamma_j, \quad j = 1, \ldots, k`,
      numbers: [{ label: String.raw`(\ln\hat\gamma_1, \ldots, \ln\hat\gamma_k)`, value: logs }],
    }),
  },
};

/** Which exercise offers which quantity on which part, with the part's label when the alternative is asked. */
type Offer = { quantity: Quantity; part: string; label: string };
const OFFERS: Record<string, readonly Offer[]> = {
  "gaussian-mle": [{ quantity: "variance", part: "variance", label: "MLE of the standard deviation σ" }],
  "spherical-gaussian-mle": [{ quantity: "variance", part: "variance", label: "MLE of the standard deviation σ" }],
  "gaussian-full-mle": [{ quantity: "covariance", part: "covariance", label: "MLE of the precision matrix Λ = Σ⁻¹" }],
  "gmm-known-labels": [
    { quantity: "weights", part: "weights", label: "Log mixing weights ln γ₁…ln γₖ" },
    { quantity: "variance", part: "variances", label: "Spherical standard deviations σ₁…σₖ" },
  ],
  "m-step": [
    { quantity: "weights", part: "weights", label: "Log mixing weights ln γ₁…ln γₖ" },
    { quantity: "variance", part: "variances", label: "Spherical standard deviations σ₁…σₖ" },
  ],
  "em-iteration": [
    { quantity: "weights", part: "weights", label: "New log mixing weights ln γ₁…ln γₖ" },
    { quantity: "variance", part: "variances", label: "New spherical standard deviations σ₁…σₖ" },
  ],
  "em-convergence": [
    { quantity: "weights", part: "weights", label: "Log mixing weights ln γ₁…ln γₖ" },
    { quantity: "variance", part: "variances", label: "Spherical standard deviations σ₁…σₖ" },
  ],
};

/** A resolved choice: quantity -> the chosen parametrisation's name (only quantities given). */
export type Parametrisation = Partial<Record<Quantity, string>>;

/** The choices an exercise offers, for the catalogue, the builders' selects and error messages. */
export function parametrisationOffers(slug: string): { quantity: Quantity; part: string; choices: [string, string] }[] {
  return (OFFERS[slug] ?? []).map((o) => ({ quantity: o.quantity, part: o.part, choices: [DEFS[o.quantity].lecture, DEFS[o.quantity].alternative] }));
}

function describeOffers(slug: string): string {
  const offers = parametrisationOffers(slug);
  if (offers.length === 0) return `${slug} offers no parametrisation choice`;
  return `${slug} offers ${offers.map((o) => `${o.quantity}: "${o.choices[0]}" (the lecture's) or "${o.choices[1]}"`).join("; ")}`;
}

/**
 * The zod schema of an exercise's choices: a strict object of its quantities, each one of two
 * names. Messages name the quantity and what the exercise offers.
 */
function choiceSchema(slug: string): z.ZodType<Parametrisation> {
  const shape: Record<string, z.ZodType> = {};
  for (const o of OFFERS[slug] ?? []) {
    const def = DEFS[o.quantity];
    const expected = `${o.quantity} must be "${def.lecture}" (the lecture's) or "${def.alternative}"`;
    shape[o.quantity] = z.enum([def.lecture, def.alternative], { error: (issue) => `${expected}, got ${JSON.stringify(issue.input)?.slice(0, 40) ?? "nothing"}` }).optional();
  }
  return z.strictObject(shape, { error: 'expected an object naming what to ask for, such as {"variance": "sd"}' }) as unknown as z.ZodType<Parametrisation>;
}

/**
 * Validates a raw choice for an exercise. Returns the problem in words (naming the quantity and
 * what the exercise offers) or the choice.
 */
export function checkParametrisation(slug: string, raw: unknown): { ok: true; value: Parametrisation } | { ok: false; message: string } {
  // Every own key, "__proto__" from JSON included, must be a quantity the exercise offers.
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const offered = new Set((OFFERS[slug] ?? []).map((o) => o.quantity as string));
    const unknown = Object.keys(raw).find((k) => !offered.has(k));
    if (unknown !== undefined) return { ok: false, message: `"${unknown.slice(0, 40)}" cannot be chosen: ${describeOffers(slug)}` };
  }
  const parsed = choiceSchema(slug).safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]!.message };
  const value: Parametrisation = {};
  for (const [q, c] of Object.entries(parsed.data)) if (c !== undefined) value[q as Quantity] = c;
  return { ok: true, value };
}

/** An item's params with its parametrisation choice (stored with the params, so every variant carries it). */
export function withParametrisation(params: Record<string, unknown> | undefined, parametrisation: unknown): Record<string, unknown> {
  return parametrisation === undefined ? (params ?? {}) : { ...params, parametrisation };
}

/** The parametrisation stored in a variant's params (already validated), or {}. */
export function parametrisationOf(params: Record<string, unknown>): Parametrisation {
  const p = params.parametrisation;
  return p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Parametrisation) : {};
}

/** The exercise's own parameters: everything but the parametrisation. */
export function exerciseParams(params: Record<string, unknown>): Record<string, unknown> {
  if (!("parametrisation" in params)) return params;
  const { parametrisation: _, ...rest } = params;
  return rest;
}

/** Offers of this exercise whose alternative the params ask for. */
function alternativesAsked(slug: string, params: Record<string, unknown>): Offer[] {
  const chosen = parametrisationOf(params);
  return (OFFERS[slug] ?? []).filter((o) => chosen[o.quantity] === DEFS[o.quantity].alternative);
}

/** Offers the params choose explicitly as the lecture's (then answers in the alternative are diagnosed too). */
function lectureAsked(slug: string, params: Record<string, unknown>): Offer[] {
  const chosen = parametrisationOf(params);
  return (OFFERS[slug] ?? []).filter((o) => chosen[o.quantity] === DEFS[o.quantity].lecture);
}

/** The key and the worked solution in the chosen parametrisation (a final converting step per part). */
export function convertSolution(slug: string, params: Record<string, unknown>, key: Key, solution: WorkedSolution): { key: Key; solution: WorkedSolution } {
  const asked = alternativesAsked(slug, params);
  if (asked.length === 0) return { key, solution };
  const out: Key = { ...key };
  const steps = [...solution.steps];
  for (const o of asked) {
    const lecture = key[o.part]!;
    out[o.part] = DEFS[o.quantity].forward(lecture);
    steps.push(DEFS[o.quantity].step(o.part, lecture, out[o.part]!));
  }
  return { key: out, solution: { steps } };
}

/** Values carried forward (computed in the lecture's parametrisation from a student's earlier answers), in the one asked. */
export function convertCarried<C extends { part: string; value: Value }>(slug: string, params: Record<string, unknown>, carried: C[]): C[] {
  const asked = new Map(alternativesAsked(slug, params).map((o) => [o.part, o.quantity]));
  if (asked.size === 0) return carried;
  return carried.map((c) => (asked.has(c.part) ? { ...c, value: DEFS[asked.get(c.part)!].forward(c.value) } : c));
}

/** The key in the lecture's parametrisation (what the exercise's own mistakes are computed from). */
export function lectureKey(slug: string, params: Record<string, unknown>, key: Key): Key {
  const asked = alternativesAsked(slug, params);
  if (asked.length === 0) return key;
  const out: Key = { ...key };
  for (const o of asked) out[o.part] = DEFS[o.quantity].backward(key[o.part]!);
  return out;
}

/**
 * Parts relabelled for the alternative asked, with the tolerance carried over so that the same
 * precision is asked of the estimate: σ within r/2 is σ² within about r (so "divided by n − 1" stays
 * apart from the key, as it does for σ²), and ln γ within r absolutely is γ within about r relatively.
 */
export function convertParts(slug: string, params: Record<string, unknown>, parts: PartSpec[]): PartSpec[] {
  const asked = alternativesAsked(slug, params);
  if (asked.length === 0) return parts;
  return parts.map((p) => {
    const o = asked.find((a) => a.part === p.name);
    if (!o) return p;
    const rtol = p.rtol ?? DEFAULT_RTOL;
    const atol = p.atol ?? DEFAULT_ATOL;
    if (o.quantity === "variance") return { ...p, label: o.label, rtol: rtol / 2, atol: atol / 2 };
    if (o.quantity === "weights") return { ...p, label: o.label, rtol: 0, atol: rtol + atol };
    return { ...p, label: o.label };
  });
}

/** Exercises' own mistakes about the parametrisation, superseded when the alternative is asked. */
const SUPERSEDED: Record<Quantity, readonly string[]> = { variance: ["standard-deviation"], covariance: ["standard-deviations"], weights: [] };

/** Mistake ids, by quantity: the lecture's value given for the alternative, and the other way round. */
export const PARAMETRISATION_MISTAKES: Record<Quantity, { lectureGiven: string; alternativeGiven: string }> = {
  variance: { lectureGiven: "variance-for-sd", alternativeGiven: "sd-for-variance" },
  covariance: { lectureGiven: "covariance-for-precision", alternativeGiven: "precision-for-covariance" },
  weights: { lectureGiven: "weights-for-log-weights", alternativeGiven: "log-weights-for-weights" },
};

/** Stands in a mistake's message for the student's own answer (filled when grading: see fillAnswer). */
export const ANSWER_SLOT = "{answer}";

/**
 * The exercise's mistakes converted to the chosen parametrisation (a student who divides by n − 1
 * and then takes the root), plus the parametrisation mistakes: the lecture's value when the
 * alternative is asked, and, when the lecture's is asked explicitly, the alternative's value.
 * `exerciseMistakes` come from the lecture key; `key` is the converted one.
 */
export function convertMistakes(slug: string, params: Record<string, unknown>, exerciseMistakes: Mistake[], key: Key): Mistake[] {
  const asked = alternativesAsked(slug, params);
  const explicit = lectureAsked(slug, params);
  if (asked.length === 0 && explicit.length === 0) return exerciseMistakes;
  const lecture = lectureKey(slug, params, key);
  const out: Mistake[] = [];
  // The lecture's value in the wrong parametrisation comes first, so it is the diagnosis when an
  // exercise's own mistake (gaussian-mle's "standard deviation") happens to give the same value.
  for (const o of asked) {
    const def = DEFS[o.quantity];
    out.push({
      id: PARAMETRISATION_MISTAKES[o.quantity].lectureGiven,
      message: `You gave the ${def.lectureNoun} = ${ANSWER_SLOT}; this item asks for the ${def.alternativeNoun}.`,
      answers: { [o.part]: lecture[o.part] },
    });
  }
  for (const o of explicit) {
    const def = DEFS[o.quantity];
    out.push({
      id: PARAMETRISATION_MISTAKES[o.quantity].alternativeGiven,
      message: `You gave the ${def.alternativeNoun} = ${ANSWER_SLOT}; this item asks for the ${def.lectureNoun}.`,
      answers: { [o.part]: def.forward(lecture[o.part]!) },
    });
  }
  const dropped = new Set(asked.flatMap((o) => SUPERSEDED[o.quantity]));
  for (const m of exerciseMistakes) {
    if (dropped.has(m.id)) continue;
    const answers: Partial<Record<string, Value>> = { ...m.answers };
    for (const o of asked) {
      const v = answers[o.part];
      if (v !== undefined) answers[o.part] = DEFS[o.quantity].forward(v);
    }
    out.push({ ...m, answers });
  }
  // A conversion can leave a value that is not finite (the root of a negative, a singular matrix).
  return out.filter((m) => Object.values(m.answers).every((v) => v === undefined || finite(v)));
}

function finite(v: Value): boolean {
  return (typeof v === "number" ? [v] : (v as (number | number[])[]).flat()).every((x) => Number.isFinite(x));
}

const ALL_MISTAKE_IDS = new Set(Object.values(PARAMETRISATION_MISTAKES).flatMap((m) => [m.lectureGiven, m.alternativeGiven]));

/** A parametrisation mistake's feedback with the student's own answer in it ("σ² = 4.1"). */
export function fillAnswer(feedback: string, mistakeId: string | undefined, answer: Value | undefined): string {
  if (!mistakeId || !ALL_MISTAKE_IDS.has(mistakeId) || !feedback.includes(ANSWER_SLOT)) return feedback;
  const text =
    answer === undefined ? "your answer" : typeof answer === "number" ? formatNumber(answer) : Array.isArray(answer[0]) ? `[${(answer as number[][]).map((r) => `[${r.map((x) => formatNumber(x)).join(", ")}]`).join(", ")}]` : `(${(answer as number[]).map((x) => formatNumber(x)).join(", ")})`;
  return feedback.replace(ANSWER_SLOT, text);
}

/** One sentence for the question page saying which parametrisation the item asks for; undefined when the lecture's. */
export function questionNote(slug: string, params: Record<string, unknown>): string | undefined {
  const asked = alternativesAsked(slug, params);
  const explicit = lectureAsked(slug, params);
  const phrases = [
    ...asked.map((o) => `the ${DEFS[o.quantity].alternativeNoun}, not the ${DEFS[o.quantity].lectureNoun}`),
    ...explicit.map((o) => `the ${DEFS[o.quantity].lectureNoun}, not the ${DEFS[o.quantity].alternativeNoun}`),
  ];
  if (phrases.length === 0) return undefined;
  return `This item asks for ${phrases.join(", and ")}.`;
}

/** Problems with the converted key (a singular covariance has no precision). */
export function conversionProblems(slug: string, params: Record<string, unknown>, key: Key): string[] {
  return alternativesAsked(slug, params)
    .filter((o) => key[o.part] === undefined || !finite(key[o.part]!))
    .map((o) => `the ${DEFS[o.quantity].alternativeNoun} is not defined for this data (${o.part})`);
}

/**
 * The builders' select (assignment and quiz forms): "" is the lecture's; the other values are
 * "quantity=choice" lists, read by parseParametrisationText and checked against the exercise.
 */
export const PARAMETRISATION_FORM_CHOICES: readonly { value: string; label: string }[] = [
  { value: "", label: "As in the lecture (σ², Σ, γ)" },
  { value: "variance=sd", label: "Standard deviation σ (not σ²)" },
  { value: "covariance=precision", label: "Precision Λ = Σ⁻¹ (not Σ)" },
  { value: "weights=log-weights", label: "Log-weights ln γ (not γ)" },
  { value: "variance=sd, weights=log-weights", label: "σ and ln γ (not σ², γ)" },
  { value: "variance=variance", label: "Variance σ², naming σ as a mistake" },
];

/** "variance=sd, weights=log-weights" -> {variance: "sd", weights: "log-weights"}; undefined when empty; a message when unreadable. */
export function parseParametrisationText(text: string): { ok: true; value: Record<string, string> | undefined } | { ok: false; message: string } {
  const value: Record<string, string> = {};
  for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=([a-z-]+)$/.exec(pair);
    if (!m) return { ok: false, message: `expected choices like "variance=sd"; could not read "${pair.slice(0, 40)}"` };
    value[m[1]!] = m[2]!;
  }
  return { ok: true, value: Object.keys(value).length > 0 ? value : undefined };
}

/** A stored choice as the select's value ("variance=sd"), "" for none. */
export function parametrisationText(params: Record<string, unknown>): string {
  return Object.entries(parametrisationOf(params))
    .map(([q, c]) => `${q}=${c}`)
    .join(", ");
}

/** Flags for question templates: which alternative the item asks for (`{{#if asks.sd}}σ̂{{else}}σ̂²{{/if}}`). */
export function asksFlags(slug: string, params: Record<string, unknown>): { sd: boolean; precision: boolean; logWeights: boolean } {
  const asked = new Set(alternativesAsked(slug, params).map((o) => o.quantity));
  return { sd: asked.has("variance"), precision: asked.has("covariance"), logWeights: asked.has("weights") };
}

/** The plot's caption when the item asks for an alternative with units (σ, Λ): how it reads against the axes. */
export function plotCaption(slug: string, params: Record<string, unknown>): string {
  const asked = new Set(alternativesAsked(slug, params).map((o) => o.quantity));
  const lines: string[] = [];
  if (asked.has("variance")) lines.push("The standard deviation σ asked for is measured in the units of the axes (a spread you can read off the plot); the variance σ² is in squared units.");
  if (asked.has("covariance")) lines.push("The precision matrix Λ = Σ⁻¹ asked for is in inverse squared units of the axes; the covariance Σ is in squared units.");
  return lines.join(" ");
}

/** The select's choices an exercise can take ("" included), e.g. for its catalogue preview. */
export function formChoicesFor(slug: string): { value: string; label: string }[] {
  return PARAMETRISATION_FORM_CHOICES.filter((c) => {
    const r = parseParametrisationText(c.value);
    return r.ok && checkParametrisation(slug, r.value ?? {}).ok;
  });
}
