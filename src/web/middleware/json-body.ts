import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { HttpError } from "../../http-error";

/** The Content-Type values a browser or script sends for JSON (compared lower-cased, without spaces). */
const PLAIN_JSON = new Set(["application/json", "application/json;charset=utf-8"]);

/**
 * The API's body parser: express.json({ limit, strict: true }), with the request every client sends
 * (JSON in UTF-8, a Content-Length within the limit, no Content-Encoding) read by a few lines here.
 * express.json's reader (raw-body, iconv-lite, type-is, content-type, debug) was ~8% of the main
 * thread's time in a class's burst of quiz answers. Everything else (no or another Content-Type,
 * another charset, gzip, chunked, too large) goes to express.json itself, so its refusals (413,
 * 415) stay as they are; a body that is not JSON, or not an object or list, is the same 400.
 */
export function jsonBody(options: { limit: number }): RequestHandler {
  const general = express.json({ limit: options.limit, strict: true });
  return function jsonBody(req: Request, res: Response, next: NextFunction): void {
    const h = req.headers;
    const type = h["content-type"];
    const length = h["content-length"] === undefined ? NaN : Number(h["content-length"]);
    const plain =
      type !== undefined &&
      PLAIN_JSON.has(type.toLowerCase().replace(/ /g, "")) &&
      h["content-encoding"] === undefined &&
      h["transfer-encoding"] === undefined &&
      Number.isSafeInteger(length) &&
      length > 0 &&
      length <= options.limit &&
      !req.readableEnded;
    if (!plain) return general(req, res, next);
    // Node's parser delivers exactly Content-Length bytes before "end" (the next request's bytes
    // are not this body's); a client that hangs up early makes "error" (ECONNRESET) instead.
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    };
    const finish = (err: HttpError | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      if (err) return next(err);
      next();
    };
    const onError = () => finish(new HttpError(400, "the request body was cut short"));
    const onEnd = () => {
      if (received !== length) return finish(new HttpError(400, "the request body was cut short"));
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString("utf8");
      const parsed = parseStrictJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      if (parsed === INVALID) return finish(new HttpError(400, "request body is not valid JSON"));
      req.body = parsed;
      finish(null);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  };
}

const INVALID = Symbol("invalid JSON");

/** JSON.parse of an object or a list only, as express.json's strict mode takes. */
function parseStrictJson(text: string): unknown {
  const first = /[^ \t\n\r]/.exec(text)?.[0];
  if (first !== "{" && first !== "[") return INVALID;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}
