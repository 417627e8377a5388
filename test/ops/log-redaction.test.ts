/**
 * The redaction list as the logger applies it: secrets at the top level of a line and inside the
 * objects lines carry (an error and its fields, request parts, a backup result) come out censored,
 * everything else unchanged. No path starts with a wildcard (that costs on every line; see
 * src/ops/log-redaction.ts).
 */
import { Writable } from "node:stream";
import { createLogger } from "../../src/ops/logger";
import { REDACT_PATHS, REDACTED } from "../../src/ops/log-redaction";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: "info", format: "json", destination }), lines };
}

test("secrets are censored at the top level and one or two objects deep in what lines carry", () => {
  const { logger, lines } = capture();
  const err = Object.assign(new Error("boom"), { token: "tok-secret-1", meta: { password: "pw-secret-2", table: "Session" } });
  logger.error({ err, password: "pw-secret-3", route: "/x" }, "failed");
  logger.info({ req: { headers: { authorization: "Bearer hdr-secret-4", "x-csrf-token": "csrf-secret-5", accept: "text/html" }, body: { newPassword: "pw-secret-6", name: "A" } } }, "request");
  logger.info({ backup: { file: "/b/x.db", answerKey: "key-secret-7", counts: { sessionId: "sid-secret-8", users: 3 } } }, "backup");
  logger.info({ sid: "sid-secret-9", cookie: "likely_sid=sid-secret-10", solution: "sol-secret-11", status: 201 }, "line");

  const text = JSON.stringify(lines);
  for (let i = 1; i <= 11; i++) expect(text).not.toMatch(new RegExp(`secret-${i}\\b`));
  const [errorLine, requestLine, backupLine, plainLine] = lines as Record<string, any>[];
  expect(errorLine!.err).toMatchObject({ message: "boom", token: REDACTED, meta: { password: REDACTED, table: "Session" } });
  expect(errorLine!.err.stack).toMatch(/\n\s+at /);
  expect(errorLine).toMatchObject({ password: REDACTED, route: "/x" });
  expect(requestLine!.req).toEqual({ headers: { authorization: REDACTED, "x-csrf-token": REDACTED, accept: "text/html" }, body: { newPassword: REDACTED, name: "A" } });
  expect(backupLine!.backup).toEqual({ file: "/b/x.db", answerKey: REDACTED, counts: { sessionId: REDACTED, users: 3 } });
  expect(plainLine).toMatchObject({ sid: REDACTED, cookie: REDACTED, solution: REDACTED, status: 201 });
});

test("no redaction path starts with a wildcard (pino would run it on every value of every line)", () => {
  expect(REDACT_PATHS.filter((p) => p.startsWith("*"))).toEqual([]);
});
