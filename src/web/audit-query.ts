import { z } from "zod";
import { AUDIT_ACTIONS, type AuditFilter } from "../db/audit";
import { parseInput } from "./validate";

const whole = (max: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, { error: `expected a whole number from 1 to ${max}` })
    .transform(Number)
    .refine((n) => n <= max, { error: `expected a whole number from 1 to ${max}` });

const auditQuery = z.object({
  action: z.enum(Object.keys(AUDIT_ACTIONS) as [keyof typeof AUDIT_ACTIONS, ...(keyof typeof AUDIT_ACTIONS)[]], { error: `expected one of ${Object.keys(AUDIT_ACTIONS).join(", ")}` }).optional(),
  student: whole(999_999_999).optional(),
  flagged: z.enum(["1", "true"], { error: "expected 1 or true" }).optional(),
  page: whole(100_000).default(1),
  perPage: whole(200).default(50),
});

export type AuditQuery = { filter: AuditFilter; page: number; perPage: number };

/** `?action=&student=&flagged=1&page=&perPage=` of the audit page and API; "" counts as absent. */
export function parseAuditQuery(query: unknown): AuditQuery {
  const present = Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ""));
  const q = parseInput(auditQuery, present, "query");
  return { filter: { action: q.action, studentId: q.student, flagged: q.flagged !== undefined }, page: q.page, perPage: q.perPage };
}
