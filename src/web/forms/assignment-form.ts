import { parseDateTime } from "../../homework/date-time";
import { MAX_MINUTES } from "../../homework/schemas";
import type { z } from "zod";
import { GivenCsvError, PARAMETRISATION_FORM_CHOICES, parametrisationText, parseParametrisationText, readGivenCsv } from "../../../exercises";
import { ItemError } from "../../homework/assignments";
import { HttpError } from "../../http-error";

/** How many empty item rows the assignment form offers. */
export const ITEM_ROWS = 8;

type Body = Record<string, unknown>;

/** A form error in words, with the id of the input to highlight (when one is to blame). */
export type FormError = { message: string; field?: string };

function text(body: Body, name: string): string {
  const v = body[name];
  return typeof v === "string" ? v.trim() : "";
}

/** A 400 that names the form input it is about. */
function fieldError(field: string, message: string): HttpError {
  return new HttpError(400, message, { field });
}

/** "n=10, d=2 covariance=full" -> {n: 10, d: 2, covariance: "full"}; the registry validates them. */
export function parseParamsText(s: string, where: string, field?: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of s.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(pair);
    if (!m) throw new HttpError(400, `${where}: expected parameters as name=value pairs, e.g. "n=10, d=2"; could not read "${pair}"`, field ? { field } : undefined);
    const value = m[2]!;
    params[m[1]!] = /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value) ? Number(value) : value;
  }
  return params;
}

function optionalNumber(body: Body, name: string, label: string): number | undefined {
  const s = text(body, name);
  if (s === "") return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw fieldError(name, `${label}: expected a number, got "${s.slice(0, 40)}"`);
  return n;
}

/** The extension form's extra exam minutes: a number from 0 to a week, or undefined when the form has no such field. */
export function optionalExtraMinutes(body: Body): number | undefined {
  if (typeof body.extraMinutes !== "string") return undefined;
  const s = body.extraMinutes.trim();
  const n = s === "" ? 0 : Number(s);
  if (!Number.isFinite(n) || n < 0 || n > MAX_MINUTES) throw fieldError("extraMinutes", `Extra minutes: expected a number of minutes from 0 to ${MAX_MINUTES}, got "${s.slice(0, 40)}"`);
  return n;
}

/**
 * An item's own data from the form: an uploaded file (`item<i>_datafile`) or the text area
 * (`item<i>_data`), as CSV (the exercise's columns) or a JSON object; nothing when both are empty.
 */
export function givenData(body: Body, i: number, exercise: string, label: string): { data?: unknown } {
  return givenDataFields(body, { text: `item${i}_data`, file: `item${i}_datafile` }, exercise, label);
}

/** givenData for any pair of inputs (the quiz builder names them data<n> and datafile<n>). */
export function givenDataFields(body: Body, names: { text: string; file: string }, exercise: string, label: string): { data?: unknown } {
  const file = typeof body[names.file] === "string" ? (body[names.file] as string) : "";
  const text = file.trim() !== "" ? file : typeof body[names.text] === "string" ? (body[names.text] as string) : "";
  if (text.trim() === "") return {};
  const field = names.text;
  if (text.trim().startsWith("{")) {
    try {
      return { data: JSON.parse(text) as unknown };
    } catch {
      throw fieldError(field, `${label}: not valid JSON; paste a JSON object such as {"x": [2.1, 0, 3.5]} or CSV rows`);
    }
  }
  try {
    return { data: readGivenCsv(exercise, text).data };
  } catch (err) {
    if (err instanceof GivenCsvError) throw fieldError(field, `${label}${file ? " (uploaded file)" : ""}: ${err.message}`);
    throw err;
  }
}

/** A datetime-local field (server's time zone; ISO 8601 with a zone also read) or empty. */
export function optionalDate(body: Body, name: string, label: string): Date | null {
  const s = text(body, name);
  if (s === "") return null;
  const r = parseDateTime(s);
  if (!r.ok) throw fieldError(name, `${label}: ${r.message}`);
  return r.date;
}

/** The row's "asks for" select (exercises/parametrisation.ts), as the API's item field. */
function parametrisationField(body: Body, i: number, n: number): Record<string, string> | undefined {
  const r = parseParametrisationText(text(body, `item${i}_parametrisation`));
  if (!r.ok) throw fieldError(`item${i}_parametrisation`, `Exercise ${n} asks for: ${r.message}`);
  return r.value;
}

/** The select's options with the posted (or stored) one selected; a value not in the list is kept as its own option. */
export function parametrisationOptions(chosen: string): { value: string; label: string; selected: boolean }[] {
  const options = PARAMETRISATION_FORM_CHOICES.map((c) => ({ ...c, selected: c.value === chosen }));
  if (chosen !== "" && !options.some((o) => o.selected)) options.push({ value: chosen, label: chosen, selected: true });
  return options;
}

/**
 * The assignment form's fields as the API's assignment input (then validated by the same schema),
 * and for each item the form row it came from (empty rows are skipped, so they can differ).
 */
export function assignmentFromForm(body: Body, rows = ITEM_ROWS, offset = 0) {
  const items = [];
  const rowOf: number[] = [];
  for (let i = 0; i < rows; i++) {
    const exercise = text(body, `item${i}_exercise`);
    if (!exercise) continue;
    rowOf.push(i);
    const n = offset + i + 1;
    items.push({
      exercise,
      params: parseParamsText(text(body, `item${i}_params`), `Exercise ${n} parameters`, `item${i}_params`),
      parametrisation: parametrisationField(body, i, n),
      points: optionalNumber(body, `item${i}_points`, `Exercise ${n} points`),
      rtol: optionalNumber(body, `item${i}_rtol`, `Exercise ${n} relative tolerance`),
      atol: optionalNumber(body, `item${i}_atol`, `Exercise ${n} absolute tolerance`),
      ...givenData(body, i, exercise, `Exercise ${n} data`),
      carryForward: optionalNumber(body, `item${i}_carryForward`, `Exercise ${n} carried-forward credit`),
    });
  }
  const input = {
    title: text(body, "title"),
    kind: text(body, "kind") || "homework",
    opensAt: optionalDate(body, "opensAt", "Opens"),
    dueAt: optionalDate(body, "dueAt", "Due"),
    // Empty means "the kind's default" (exam: 1, homework: unlimited), never null: null would be
    // an explicit "unlimited" and bypass the exam default.
    maxAttempts: optionalNumber(body, "maxAttempts", "Attempts per exercise"),
    revealPolicy: text(body, "revealPolicy") || undefined,
    scorePolicy: text(body, "scorePolicy") || undefined,
    // Empty: untimed (null, so an edit can also remove a time limit).
    timeLimitMinutes: optionalNumber(body, "timeLimitMinutes", "Time limit") ?? null,
    practice: text(body, "practice") || undefined,
    items,
  };
  return { input, rowOf };
}

const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  kind: "Kind",
  opensAt: "Opens",
  dueAt: "Due",
  maxAttempts: "Attempts per exercise",
  revealPolicy: "Show answers",
  scorePolicy: "Score that counts",
  timeLimitMinutes: "Time limit",
  practice: "Practice",
  items: "Exercises",
};
const ITEM_FIELD_LABELS: Record<string, string> = { exercise: "exercise", params: "parameters", parametrisation: "asks for", data: "data", points: "points", rtol: "relative tolerance", atol: "absolute tolerance", carryForward: "carried-forward credit" };

/** An item problem as the form shows it: "Exercise 3 parameters: ...", highlighting that input. */
function itemFormError(row: number, field: string, reason: string, offset: number): FormError {
  return { message: `Exercise ${offset + row + 1} ${ITEM_FIELD_LABELS[field] ?? field}: ${reason}`, field: `item${row}_${field}` };
}

/** A schema issue in the form's words (labels and 1-based exercise numbers, not API paths). */
export function formIssue(issue: z.core.$ZodIssue, rowOf: number[], offset = 0): FormError {
  const [top, index, field] = issue.path;
  if (top === "items" && typeof index === "number" && typeof field === "string") {
    return itemFormError(rowOf[index] ?? index, field, issue.message, offset);
  }
  if (top === "items") return { message: `Exercises: ${issue.message}`, field: "item0_exercise" };
  const name = typeof top === "string" ? top : "";
  return { message: `${FIELD_LABELS[name] ?? name}: ${issue.message}`, field: FIELD_LABELS[name] ? name : undefined };
}

/** Any 400 from building an assignment, in the form's words (other errors are rethrown). */
export function formErrorOf(err: unknown, rowOf: number[], offset = 0): FormError {
  if (err instanceof ItemError) return itemFormError(rowOf[err.index] ?? err.index, err.field, err.subpath ? `${err.subpath}: ${err.reason}` : err.reason, offset);
  if (err instanceof HttpError && err.status === 400) {
    return { message: err.message, field: typeof err.details?.field === "string" ? err.details.field : undefined };
  }
  throw err;
}

/** "n=10, d=2" for a stored params object; a parametrisation choice as "asks for variance=sd". */
export function paramsText(params: Record<string, unknown>): string {
  const plain = Object.entries(params).filter(([k]) => k !== "parametrisation").map(([k, v]) => `${k}=${String(v)}`).join(", ");
  const asks = parametrisationText(params);
  return asks ? `${plain}${plain ? "; " : ""}asks for ${asks}` : plain;
}

/** Rows of the item part of the form, refilled from a posted body so nothing typed is lost on an error. */
export function itemRows(body: Body, exercises: { slug: string; title: string }[], count = ITEM_ROWS, offset = 0) {
  return Array.from({ length: count }, (_, i) => {
    const chosen = text(body, `item${i}_exercise`);
    return {
      i,
      number: offset + i + 1,
      options: exercises.map((e) => ({ slug: e.slug, title: e.title, selected: e.slug === chosen })),
      params: text(body, `item${i}_params`),
      parametrisationOptions: parametrisationOptions(text(body, `item${i}_parametrisation`)),
      points: text(body, `item${i}_points`),
      rtol: text(body, `item${i}_rtol`),
      atol: text(body, `item${i}_atol`),
      carryForward: text(body, `item${i}_carryForward`),
      // A chosen file is not sent back; its text is kept in the text area so nothing is lost on an error.
      data: typeof body[`item${i}_datafile`] === "string" && (body[`item${i}_datafile`] as string).trim() !== "" ? (body[`item${i}_datafile`] as string) : text(body, `item${i}_data`),
      fields: { exercise: `item${i}_exercise`, params: `item${i}_params`, parametrisation: `item${i}_parametrisation`, points: `item${i}_points`, rtol: `item${i}_rtol`, atol: `item${i}_atol`, carryForward: `item${i}_carryForward`, data: `item${i}_data`, datafile: `item${i}_datafile` },
    };
  });
}
