/**
 * What never reaches a log line. The request logger writes no headers, bodies or query strings at
 * all (only method, path, route, status, duration, ids); this list is the second line of defence
 * for anything logged with an object (an error's fields, a future `req.log.info({...})`).
 */
const SECRET_FIELDS = [
  "password",
  "currentPassword",
  "newPassword",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "idToken",
  "id_token",
  "client_assertion",
  "sessionId",
  "sid",
  "csrfToken",
  "_csrf",
  "key",
  "answerKey",
  "solution",
  "answers",
  "authorization",
  "cookie",
];

/**
 * Objects that log lines carry: an error (and what Prisma or a cause hangs on it), a request or
 * response (headers, body, query), and the objects operations code logs (a backup's result).
 */
const CONTAINERS = ["err", "error", "cause", "req", "res", "body", "query", "headers", "user", "backup"];

/**
 * pino `redact` paths: each field at the top level, and one or two objects deep under the
 * containers above, plus headers. No path starts with a wildcard: pino runs a wildcard-first path's
 * redactor on every value of every line (about a tenth of the server's CPU under load, for request
 * lines that never carry any of these fields); a named path costs only on lines that have its key.
 */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...CONTAINERS.flatMap((c) => SECRET_FIELDS.map((f) => `${c}.${f}`)),
  ...CONTAINERS.flatMap((c) => SECRET_FIELDS.map((f) => `${c}.*.${f}`)),
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export const REDACTED = "[redacted]";
