import type { NextFunction, Request, Response } from "express";
import { HttpError } from "../../http-error";

/**
 * Form fields that may legitimately repeat: the LTI deep-linking picker's `assignment` checkboxes
 * (CONTRACTS.md). Every other field of every form is read as one string.
 */
const MULTI_VALUED = new Set(["assignment"]);

/**
 * A urlencoded field sent twice (`a=1&a=2`) arrives as an array, which a handler reading strings
 * would take for a missing value or, worse, coerce (`Number(["1"])` is 1). Refused here, once for
 * every form: 400 naming the field.
 */
export function singleValuedForm(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is("application/x-www-form-urlencoded")) return next();
  const body: unknown = req.body;
  if (body === null || typeof body !== "object") return next();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value) && !MULTI_VALUED.has(name)) {
      return next(new HttpError(400, `The form field "${name.slice(0, 60)}" was sent more than once; send it once.`));
    }
  }
  next();
}
