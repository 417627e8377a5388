import { z } from "zod";

/** Dates outside these years are typing mistakes (or probes): 8.64e15 ms is year 275760, which SQLite and Prisma cannot store. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2199;

const EXAMPLE = "2026-12-01T23:59 or 2026-12-01T23:59:00Z";
// Date and time, optional seconds and fraction, optional zone (Z or ±hh:mm); without a zone, the server's time zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

export type DateTimeResult = { ok: true; date: Date } | { ok: false; message: string };

/**
 * Reads an ISO 8601 date and time ("2026-12-01T23:59", "2026-12-01T23:59:00Z", "...+02:00") in
 * years MIN_YEAR..MAX_YEAR. Anything else (numbers, booleans, "0", impossible days, other
 * formats) is refused with a message, never guessed at: `new Date("0")` would be the year 2000.
 */
export function parseDateTime(text: string): DateTimeResult {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return { ok: false, message: `expected an ISO 8601 date and time such as ${EXAMPLE}` };
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `${JSON.stringify(text.trim())} is not a real date and time (expected e.g. ${EXAMPLE})` };
  }
  const date = new Date(text.trim());
  if (Number.isNaN(date.getTime())) return { ok: false, message: `expected an ISO 8601 date and time such as ${EXAMPLE}` };
  if (year < MIN_YEAR || year > MAX_YEAR || date.getUTCFullYear() < MIN_YEAR || date.getUTCFullYear() > MAX_YEAR) {
    return { ok: false, message: `the year must be from ${MIN_YEAR} to ${MAX_YEAR}` };
  }
  return { ok: true, date };
}

/**
 * A request field holding a date and time: an ISO 8601 string only (see parseDateTime), as a Date.
 * A Date instance (never in a JSON body; the pages' forms parse their fields first) is checked the same way.
 */
export const dateTimeInput = z.unknown().transform((value, ctx) => {
  const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value;
  if (typeof text !== "string" || text.length > 40) {
    ctx.addIssue({ code: "custom", message: `expected an ISO 8601 date and time as a string, such as "2026-12-01T23:59:00Z"` });
    return z.NEVER;
  }
  const r = parseDateTime(text);
  if (r.ok) return r.date;
  ctx.addIssue({ code: "custom", message: r.message });
  return z.NEVER;
});
