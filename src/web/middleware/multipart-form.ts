import fs from "node:fs/promises";
import type { NextFunction, Request, Response } from "express";
import formidable from "formidable";
import { HttpError } from "../../http-error";

/** The largest uploaded file (a data CSV of 10,000 points is well under 1 MB). */
export const MAX_UPLOAD_BYTES = 2_000_000;
const MAX_FIELDS_BYTES = 1_000_000;

/** The forms that upload files: the assignment builder (new and edit) and the quiz builder. */
const UPLOAD_FORMS = /^\/(courses\/\d+\/(assignments|quizzes)|assignments\/\d+\/edit)$/;

/**
 * Forms with a file input (the builders' data CSV) post multipart/form-data, which works without
 * JavaScript. This reads them into `req.body` like the urlencoded parser does: every text field
 * as one string, and each non-empty file as its text under the file input's name. Runs before the
 * CSRF check, which reads `_csrf` from the body. Too large: 413 saying the limit.
 */
export async function multipartForm(req: Request, _res: Response, next: NextFunction): Promise<void> {
  if (req.method !== "POST" || !req.is("multipart/form-data") || !UPLOAD_FORMS.test(req.path)) return next();
  const form = formidable({
    maxFiles: 20,
    maxFileSize: MAX_UPLOAD_BYTES,
    maxTotalFileSize: MAX_UPLOAD_BYTES,
    maxFields: 2000,
    maxFieldsSize: MAX_FIELDS_BYTES,
    allowEmptyFiles: true,
    minFileSize: 0,
  });
  let fields: formidable.Fields;
  let files: formidable.Files;
  try {
    [fields, files] = await form.parse(req);
  } catch (err) {
    const e = err as { httpCode?: number; code?: number; message?: string };
    if (e.httpCode === 413) {
      return next(new HttpError(413, `The upload is too large: files up to ${MAX_UPLOAD_BYTES / 1_000_000} MB and form fields up to ${MAX_FIELDS_BYTES / 1_000_000} MB in all.`));
    }
    return next(new HttpError(400, "The form upload could not be read; please send it again."));
  }
  const body: Record<string, string> = {};
  try {
    for (const [name, values] of Object.entries(fields)) {
      if (!values) continue;
      if (values.length > 1) throw new HttpError(400, `The form field "${name.slice(0, 60)}" was sent more than once; send it once.`);
      body[name] = values[0] ?? "";
    }
    for (const [name, list] of Object.entries(files)) {
      for (const file of list ?? []) {
        const text = await fs.readFile(file.filepath, "utf8").finally(() => fs.rm(file.filepath, { force: true }));
        if (list!.length > 1) throw new HttpError(400, `Choose one file for "${name.slice(0, 60)}".`);
        if (text.includes("\u0000")) throw new HttpError(400, `The file for "${name.slice(0, 60)}" is not text; upload a CSV file.`);
        if (text !== "") body[name] = text;
      }
    }
  } catch (err) {
    for (const list of Object.values(files)) for (const f of list ?? []) await fs.rm(f.filepath, { force: true });
    return next(err);
  }
  req.body = body;
  next();
}
