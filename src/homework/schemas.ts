import { z } from "zod";
import { dateTimeInput as dateTime } from "./date-time";

/** The longest exam clock and extension, in minutes: a week. */
export const MAX_MINUTES = 10_080;

export const itemInput = z.strictObject({
  exercise: z.string({ error: "expected an exercise slug from GET the catalogue (likely exercises list)" }).min(1).max(100),
  params: z.record(z.string(), z.unknown(), { error: "expected an object of exercise parameters" }).optional(),
  // Checked against the exercise's offers by the registry (exercises/parametrisation.ts).
  parametrisation: z.record(z.string(), z.unknown(), { error: 'expected parametrisation: an object such as {"variance": "sd"}' }).optional(),
  points: z.number({ error: "expected a number of points" }).positive({ error: "points must be positive" }).max(1000).optional(),
  rtol: z.number({ error: "expected a relative tolerance" }).min(0).max(1, { error: "rtol must be between 0 and 1" }).optional(),
  atol: z.number({ error: "expected an absolute tolerance" }).min(0).max(1e6).optional(),
  /** The instructor's own data (checked by the exercise, exercises/given-data.ts): every student gets exactly it. */
  data: z.unknown().optional(),
  carryForward: z
    .number({ error: "expected the share of points (0 to 1) an answer carried forward from a wrong earlier part earns" })
    .min(0, { error: "must be from 0 (off) to 1 (full credit)" })
    .max(1, { error: "must be from 0 (off) to 1 (full credit)" })
    .optional(),
});

export const assignmentInput = z.strictObject({
  title: z.string({ error: "expected a title" }).trim().min(1, { error: "title must not be empty" }).max(200),
  kind: z.enum(["homework", "exam"], { error: 'kind must be "homework" or "exam"' }),
  opensAt: dateTime.nullable().optional(),
  dueAt: dateTime.nullable().optional(),
  maxAttempts: z.number({ error: "expected a whole number of attempts" }).int().min(1).max(100).nullable().optional(),
  revealPolicy: z.enum(["after-due", "after-attempts", "never"], { error: 'revealPolicy must be "after-due", "after-attempts" or "never"' }).optional(),
  scorePolicy: z.enum(["best", "last"], { error: 'scorePolicy must be "best" or "last"' }).optional(),
  /** A timed exam: minutes on each student's own clock from their first view (fractions allowed). */
  timeLimitMinutes: z
    .number({ error: "expected timeLimitMinutes: a positive number of minutes (fractions allowed), or null for no time limit" })
    .positive({ error: "timeLimitMinutes must be a positive number of minutes" })
    .max(MAX_MINUTES, { error: `timeLimitMinutes must be at most ${MAX_MINUTES} (a week)` })
    .nullable()
    .optional(),
  practice: z.enum(["always", "after-due", "never"], { error: 'practice must be "always", "after-due" or "never"' }).optional(),
  items: z.array(itemInput, { error: "expected items: a list of {exercise, params?, parametrisation?, data?, points?, rtol?, atol?, carryForward?}" }).min(1, { error: "an assignment needs at least one item" }).max(50),
});
export type AssignmentInput = z.output<typeof assignmentInput>;

export const submissionInput = z.strictObject({
  answers: z.record(z.string(), z.unknown(), { error: "expected answers: an object {part: number, list or text}" }),
  idempotencyKey: z.string().min(8, { error: "idempotencyKey must be 8 to 100 characters" }).max(100).regex(/^[A-Za-z0-9_.:-]+$/, { error: "idempotencyKey may contain letters, digits and _ . : -" }).optional(),
});

export const extensionInput = z.strictObject({
  dueAt: dateTime.nullable().optional(),
  extraAttempts: z.number().int().min(0).max(100).default(0),
  extraMinutes: z.number().min(0).max(MAX_MINUTES).default(0),
});
