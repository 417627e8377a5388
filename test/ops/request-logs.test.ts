/**
 * Request logs as an operator reads them: the real server process's standard output, one JSON
 * line per request, after a sign-in, a submission and failed requests; then, in process, a 5xx
 * whose stack is logged but never sent, and the silence of tests.
 */
import { Writable } from "node:stream";
import request from "supertest";
import { api, apiExpect, prepareClass } from "../../bench/lib/api";
import { startServerProcess, type ServerProcess } from "../../bench/lib/server-process";
import { createLogger } from "../../src/ops/logger";
import { createApp } from "../../src/web/app";
import { leakedForms } from "../support/key-leak";
import { createTestDatabase, type TestDatabase } from "../support/test-database";
import { createTestApp } from "../support/test-app";
import { buildDist } from "./cli-run";

jest.setTimeout(120_000);

const PASSWORD = "log-test-password-42";
type Line = Record<string, unknown> & { requestId: string; method: string; path: string; route: string; status: number; durationMs: number; userId: number | null };

function setCookies(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const eq = pair!.indexOf("=");
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
}

describe("the server process's standard output", () => {
  let server: ServerProcess;
  let database: TestDatabase;
  beforeAll(async () => {
    buildDist();
    database = await createTestDatabase("logs");
    server = await startServerProcess({
      env: { DATABASE_URL: database.url, LIKELY_DEMO_PASSWORD: PASSWORD, LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" },
      timeoutMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.kill("SIGKILL");
    await database?.drop();
  });

  test("one JSON line per request with its fields, and no password, token, session id, CSRF token or key", async () => {
    const base = server.url;
    // A browser sign-in: the form's CSRF token, the password, then the session cookie.
    const page = await fetch(`${base}/signin`);
    const browser = setCookies(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const signin = await fetch(`${base}/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `likely_csrf=${browser.likely_csrf}` },
      body: new URLSearchParams({ email: "student1@example.edu", password: PASSWORD, _csrf: csrf }).toString(),
    });
    expect(signin.status).toBe(303);
    const sid = setCookies(signin).likely_sid!;
    expect(sid.length).toBeGreaterThan(20);
    const signedIn = await fetch(`${base}/assignments`, { headers: { cookie: `likely_sid=${sid}` } });
    expect(signedIn.status).toBe(200);
    const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(await signedIn.text())?.[1];

    // A failed sign-in, a submission of the right answer through the API, and failed requests.
    const wrong = "wrong-password-never-logged";
    expect((await fetch(`${base}/signin`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: `likely_csrf=${browser.likely_csrf}` }, body: new URLSearchParams({ email: "student1@example.edu", password: wrong, _csrf: csrf }).toString() })).status).toBe(401);
    expect((await api(base, "POST", "/tokens", { body: { email: "student2@example.edu", password: wrong } })).status).toBe(401);
    const cls = await prepareClass(base, { password: PASSWORD, students: 1, exercises: ["gaussian-mle"], prefix: "logs" });
    const p = cls.participants[0]!;
    const key = (await apiExpect(base, 200, "GET", `/variants/${p.variantId}/key`, { token: cls.instructorToken })).key as Record<string, unknown>;
    const submitted = await apiExpect(base, 201, "POST", `/variants/${p.variantId}/submissions`, { token: p.token, body: { answers: key } });
    expect(submitted.parts.every((x: { correct: boolean }) => x.correct)).toBe(true);
    expect((await api(base, "GET", "/assignments/99999999", { token: p.token })).status).toBe(404);
    expect((await api(base, "GET", "/me", { token: "not-a-real-token-but-long-enough-0123" })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/variants/${p.variantId}/submissions`, { method: "POST", headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json" }, body: "{not json" })).status).toBe(400);
    expect((await fetch(`${base}/signin?next=/secret-query-${PASSWORD}`, { headers: { "x-request-id": "proxy-req-12345678" } })).status).toBe(200);

    await new Promise((r) => setTimeout(r, 300)); // the last lines reach the pipe
    const lines = server.output().split("\n").filter((l) => l.startsWith("{"));
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    const requestsLogged = parsed.filter((l) => typeof l.requestId === "string");

    // Fields: every request line has them all.
    for (const l of requestsLogged) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(["level", "time", "requestId", "method", "path", "route", "status", "durationMs", "userId", "msg"]));
    }
    const find = (method: string, route: string, status: number) => requestsLogged.filter((l) => l.method === method && l.route === route && l.status === status);
    expect(find("POST", "/signin", 303)).toHaveLength(1);
    expect(find("POST", "/signin", 401)).toHaveLength(1);
    const student1 = (await apiExpect(base, 201, "POST", "/tokens", { body: { email: "student1@example.edu", password: PASSWORD } })).user.id;
    expect(find("GET", "/assignments", 200).map((l) => l.userId)).toEqual([student1]); // signed in by cookie
    // prepareClass probes each variant once; the last submission line is ours.
    const submission = find("POST", "/api/v1/variants/:id/submissions", 201).at(-1)!;
    expect(submission.userId).toBe(p.userId);
    expect(submission.path).toBe(`/api/v1/variants/${p.variantId}/submissions`);
    expect(find("GET", "/api/v1/assignments/:id", 404)).toHaveLength(1);
    // The body parser refuses it before any route matched: the path tells which.
    expect(requestsLogged.filter((l) => l.status === 400).map((l) => [l.route, l.path])).toEqual([["unmatched", `/api/v1/variants/${p.variantId}/submissions`]]);
    expect(requestsLogged.filter((l) => l.requestId === "proxy-req-12345678").map((l) => l.route)).toEqual(["/signin"]);
    expect(new Set(requestsLogged.map((l) => l.requestId)).size).toBe(requestsLogged.length);

    // Secrets: none anywhere in the output (JSON lines or not).
    const out = server.output();
    const secrets: Record<string, string> = {
      password: PASSWORD,
      "wrong password": wrong,
      "student token": p.token,
      "instructor token": cls.instructorToken,
      "session id": sid,
      "anonymous CSRF cookie": browser.likely_csrf!,
      "sign-in CSRF token": csrf,
    };
    if (sessionCsrf) secrets["session CSRF token"] = sessionCsrf;
    const found = Object.entries(secrets).filter(([, v]) => out.includes(v)).map(([k]) => k);
    expect(found).toEqual([]);
    expect(leakedForms(lines.join("\n"), key, {}, 4)).toEqual([]);
    expect(out).not.toContain("secret-query");
    console.log(`request logs: ${requestsLogged.length} request lines parsed, ${Object.keys(secrets).length} secrets and ${Object.keys(key).length} key parts searched, 0 found`);
  });
});

describe("in process", () => {
  test("a 5xx logs the error with its stack; the response carries neither", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    const t = await createTestApp();
    try {
      const app = createApp({ db: t.db, config: t.config, logger: createLogger({ level: "info", format: "json", destination }) });
      // A real failure: the table that session lookups read is gone.
      await t.db.$executeRawUnsafe('ALTER TABLE "Session" RENAME TO "SessionGone"');
      const broken = await request(app).get("/courses").set("Cookie", "likely_sid=" + "b".repeat(43)).set("Accept", "text/html");
      expect(broken.status).toBe(500);
      expect(broken.text).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(broken.text).not.toContain("SessionGone");
      const json = await request(app).get("/healthz").set("Cookie", "likely_sid=" + "b".repeat(43));
      expect(json.status).toBe(200);
      const errorLine = lines.map((l) => JSON.parse(l)).find((l) => l.status === 500);
      expect(errorLine).toMatchObject({ level: "error", method: "GET", route: "unmatched", path: "/courses" });
      expect(errorLine.err.stack).toMatch(/\n\s+at /);
      expect(errorLine.err.message).toMatch(/Session/);
      expect(JSON.stringify(errorLine)).not.toContain("b".repeat(43)); // the session cookie
      expect(broken.headers["x-request-id"]).toBe(errorLine.requestId);
    } finally {
      await t.db.$executeRawUnsafe('ALTER TABLE "SessionGone" RENAME TO "Session"').catch(() => undefined);
      await t.close();
    }
  });

  test("tests stay quiet: NODE_ENV=test logs nothing unless LIKELY_LOG_LEVEL asks", async () => {
    const t = await createTestApp();
    try {
      expect(t.config.logLevel).toBe("silent");
      const writes: string[] = [];
      const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
      try {
        await request(t.app).get("/healthz").expect(200);
        await request(t.app).get("/no-such-page").expect(404);
      } finally {
        spy.mockRestore();
      }
      expect(writes).toEqual([]);
    } finally {
      await t.close();
    }
    const loud = await createTestApp({ LIKELY_LOG_LEVEL: "debug" });
    expect(loud.config.logLevel).toBe("debug");
    await loud.close();
  });
});
