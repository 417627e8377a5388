import fs from "node:fs";
import path from "node:path";
import type { NextFunction, Request, Response } from "express";
import { viewsDir } from "../../paths";
import { HttpError, notFound } from "../../http-error";

/** Body-parser and other library errors carry an HTTP status; translate them into plain words. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; limit?: number };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    if (e.type === "entity.parse.failed") return new HttpError(400, "request body is not valid JSON");
    if (e.type === "entity.too.large") return new HttpError(413, `request body too large (limit ${e.limit} bytes)`);
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") {
      return new HttpError(415, "unsupported body encoding: send UTF-8");
    }
    return new HttpError(status, "bad request");
  }
  return new HttpError(500, "Something went wrong on our side. The error was logged; please try again.");
}

const templateExists = (name: string) => fs.existsSync(path.join(viewsDir, `${name}.hbs`));

function isApi(req: Request): boolean {
  return req.path.startsWith("/api/") || req.path === "/healthz";
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(notFound(isApi(req) ? "resource" : "page"));
}

/** The one error handler: JSON for the API, an error page (error-<status>, then error) for browsers. */
export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const http = toHttpError(err);
  // Logged with its stack on the request's log line (src/web/middleware/request-log.ts), never sent.
  if (http.status >= 500) res.err = err instanceof Error ? err : new Error(String(err));
  if (res.headersSent) return next(err);
  res.status(http.status);
  if (isApi(req) || !req.accepts("html")) {
    res.json({ error: http.message, ...http.details });
    return;
  }
  const view = templateExists(`error-${http.status}`) ? `error-${http.status}` : "error";
  res.render(view, { title: http.status === 404 ? "Not found" : "Error", status: http.status, message: http.message });
}
