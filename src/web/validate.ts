import type { z } from "zod";
import { HttpError } from "../http-error";

/** Describes a zod issue as "field: message" so the caller knows what to fix. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join(".") : "body";
  return `${where}: ${issue.message}`;
}

/**
 * Parses request input once, at the top of a handler. Failure is a 400 naming the field and the
 * expectation; a missing body says which content type was expected.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = "request body"): z.output<T> {
  if (input === undefined) {
    throw new HttpError(400, `${what} missing: expected a JSON object with Content-Type: application/json`);
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new HttpError(400, describeIssue(result.error.issues[0]!));
  return result.data;
}

/** A positive integer route parameter; anything else is a 404 like a missing resource. */
export function idParam(value: unknown, what: string): number {
  const s = String(value);
  if (!/^[1-9][0-9]{0,9}$/.test(s)) throw new HttpError(404, `${what} not found`);
  return Number(s);
}
