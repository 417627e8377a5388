/** An error with an HTTP status (used by the web layer and the services it calls) and a message safe to show the user; the error middleware renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra JSON fields for API responses (e.g. per-part parse errors). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A resource that is missing and one that is not the caller's look exactly the same. */
export function notFound(what = "page"): HttpError {
  return new HttpError(404, `${what} not found`);
}
