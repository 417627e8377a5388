import { parseDateTime } from "../../homework/date-time";
import { HttpError } from "../../http-error";

/** How many empty item rows the assignment form offers. */
export const ITEM_ROWS = 8;

type Body = Record<string, unknown>;

function text(body: Body, name: string): string {
  const v = body[name];
  return typeof v === "string" ? v.trim() : "";
}

/** "n=10, d=2 covariance=full" -> {n: 10, d: 2, covariance: "full"}; the registry validates them. */
export function parseParamsText(s: string, where: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of s.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(pair);
    if (!m) throw new HttpError(400, `${where}: expected parameters as name=value pairs, e.g. "n=10, d=2"; could not read "${pair}"`);
    const value = m[2]!;
    params[m[1]!] = /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value) ? Number(value) : value;
  }
  return params;
}

function optionalNumber(body: Body, name: string, label: string): number | undefined {
  const s = text(body, name);
  if (s === "") return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new HttpError(400, `${label}: expected a number, got "${s.slice(0, 40)}"`);
  return n;
}

/** A datetime-local field (server's time zone; ISO 8601 with a zone also read) or empty. */
export function optionalDate(body: Body, name: string, label: string): Date | null {
  const s = text(body, name);
  if (s === "") return null;
  const r = parseDateTime(s);
  if (!r.ok) throw new HttpError(400, `${label}: ${r.message}`);
  return r.date;
}

/** The assignment form's fields as the API's assignment input (then validated by the same schema). */
export function assignmentFromForm(body: Body, rows = ITEM_ROWS) {
  const items = [];
  for (let i = 0; i < rows; i++) {
    const exercise = text(body, `item${i}_exercise`);
    if (!exercise) continue;
    items.push({
      exercise,
      params: parseParamsText(text(body, `item${i}_params`), `Exercise ${i + 1} parameters`),
      points: optionalNumber(body, `item${i}_points`, `Exercise ${i + 1} points`),
      rtol: optionalNumber(body, `item${i}_rtol`, `Exercise ${i + 1} relative tolerance`),
      atol: optionalNumber(body, `item${i}_atol`, `Exercise ${i + 1} absolute tolerance`),
    });
  }
  const maxAttempts = optionalNumber(body, "maxAttempts", "Attempts");
  return {
    title: text(body, "title"),
    kind: text(body, "kind") || "homework",
    opensAt: optionalDate(body, "opensAt", "Opens"),
    dueAt: optionalDate(body, "dueAt", "Due"),
    maxAttempts: maxAttempts === undefined ? null : maxAttempts,
    revealPolicy: text(body, "revealPolicy") || undefined,
    scorePolicy: text(body, "scorePolicy") || undefined,
    items,
  };
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
      options: exercises.map((e) => ({ slug: e.slug, title: `${e.title} (${e.slug})`, selected: e.slug === chosen })),
      params: text(body, `item${i}_params`),
      points: text(body, `item${i}_points`),
      rtol: text(body, `item${i}_rtol`),
      atol: text(body, `item${i}_atol`),
    };
  });
}
