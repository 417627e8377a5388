import { parseDateTime } from "../../homework/date-time";
import type { z } from "zod";
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

/** A datetime-local field (server's time zone; ISO 8601 with a zone also read) or empty. */
export function optionalDate(body: Body, name: string, label: string): Date | null {
  const s = text(body, name);
  if (s === "") return null;
  const r = parseDateTime(s);
  if (!r.ok) throw fieldError(name, `${label}: ${r.message}`);
  return r.date;
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
      points: optionalNumber(body, `item${i}_points`, `Exercise ${n} points`),
      rtol: optionalNumber(body, `item${i}_rtol`, `Exercise ${n} relative tolerance`),
      atol: optionalNumber(body, `item${i}_atol`, `Exercise ${n} absolute tolerance`),
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
  items: "Exercises",
};
const ITEM_FIELD_LABELS: Record<string, string> = { exercise: "exercise", params: "parameters", points: "points", rtol: "relative tolerance", atol: "absolute tolerance", carryForward: "carried-forward credit" };

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
  if (err instanceof ItemError) return itemFormError(rowOf[err.index] ?? err.index, err.field, err.reason, offset);
  if (err instanceof HttpError && err.status === 400) {
    return { message: err.message, field: typeof err.details?.field === "string" ? err.details.field : undefined };
  }
  throw err;
}

/** "n=10, d=2" for a stored params object. */
export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(", ");
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
      points: text(body, `item${i}_points`),
      rtol: text(body, `item${i}_rtol`),
      atol: text(body, `item${i}_atol`),
      carryForward: text(body, `item${i}_carryForward`),
      fields: { exercise: `item${i}_exercise`, params: `item${i}_params`, points: `item${i}_points`, rtol: `item${i}_rtol`, atol: `item${i}_atol`, carryForward: `item${i}_carryForward` },
    };
  });
}
