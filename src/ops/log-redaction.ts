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

/** pino `redact` paths: each field at the top level and one or two objects deep, plus headers. */
export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export const REDACTED = "[redacted]";
