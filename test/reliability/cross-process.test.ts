/**
 * Two server processes (the built server, `node dist/src/server.js`) on one PostgreSQL database, as
 * behind a load balancer: nothing a request relies on may live in one process only. PostgreSQL
 * project only (SQLite is served by one process: LIKELY_WORKERS>1 is refused there).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { openDb, type Db } from "../../src/db/client";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS } from "../../src/seed/demo";
import { ROOT } from "../support/paths";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/test-database";

const SERVER_JS = path.join(ROOT, "dist", "src", "server.js");
const PASSWORD = "cross-process-pw-1";
const describePg = onPostgres ? describe : describe.skip;

type Server = { url: string; child: ChildProcess };

function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, [SERVER_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", DATABASE_URL: databaseUrl, LIKELY_DEMO: "1", LIKELY_DEMO_PASSWORD: PASSWORD },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 60_000);
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /Likely is listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!.replace("localhost", "127.0.0.1"), child });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}: ${out}${err}`)));
  });
}

async function call(server: Server, method: string, p: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function signIn(server: Server, email: string): Promise<string> {
  const r = await call(server, "POST", "/api/v1/tokens", undefined, { email, password: PASSWORD });
  if (r.status !== 201) throw new Error(`sign-in ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** An SSE stream: everything received so far, with when each chunk arrived. */
function openStream(server: Server, p: string, token: string): Promise<{ text: () => string; arrivedAfter: (re: RegExp, since: number, ms?: number) => Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const chunks: { at: number; text: string }[] = [];
    const req = http.get(server.url + p, { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${p}: ${res.statusCode}`));
      res.setEncoding("utf8");
      res.on("data", (c: string) => chunks.push({ at: Date.now(), text: c }));
      const text = () => chunks.map((c) => c.text).join("");
      resolve({
        text,
        /** Milliseconds from `since` until a chunk after `since` matched. */
        async arrivedAfter(re, since, ms = 3000) {
          const end = Date.now() + ms;
          for (;;) {
            const hit = chunks.find((c) => c.at >= since && re.test(c.text));
            if (hit) return hit.at - since;
            if (Date.now() > end) throw new Error(`no ${re} on ${p} within ${ms} ms; got: ${text().slice(-600)}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}

describePg("two server processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  let a: Server;
  let b: Server;
  let db: Db;
  let courseId: number;
  const tok: Record<string, { a: string; b: string }> = {};

  beforeAll(async () => {
    if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run npm run build`);
    database = await createTestDatabase("cross");
    a = await startServer(database.url); // migrates (nothing to do) and creates the demo course
    b = await startServer(database.url);
    db = await openDb({ url: database.url, synchronous: "NORMAL" });
    courseId = (await db.course.findFirstOrThrow({ where: { code: "ML101" } })).id;
    for (const email of [DEMO_INSTRUCTOR, ...DEMO_STUDENTS]) tok[email] = { a: await signIn(a, email), b: await signIn(b, email) };
  }, 120_000);

  afterAll(async () => {
    for (const s of [a, b]) {
      if (!s) continue;
      const exited = new Promise((r) => s.child.once("exit", r));
      s.child.kill("SIGTERM");
      await exited;
    }
    await db?.$disconnect();
    await database?.drop();
  });

  test("30 parallel submissions through both against 3 attempts store exactly 3", async () => {
    const created = await call(a, "POST", `/api/v1/courses/${courseId}/assignments`, tok[DEMO_INSTRUCTOR]!.a, { title: "Race", kind: "homework", maxAttempts: 3, items: [{ exercise: "gaussian-mle" }] });
    expect(created.status).toBe(201);
    const student = DEMO_STUDENTS[0]!;
    const item = (await call(b, "GET", `/api/v1/assignments/${created.body.id}`, tok[student]!.b)).body.items[0];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? call(a, "POST", `/api/v1/variants/${item.variantId}/submissions`, tok[student]!.a, { answers: { mean: "1", variance: "2" } }) : call(b, "POST", `/api/v1/variants/${item.variantId}/submissions`, tok[student]!.b, { answers: { mean: "1", variance: "2" } }))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    expect(await db.submission.count({ where: { variantId: item.variantId } })).toBe(3);
  });

  test("a quiz driven through one process reaches streams on the other within 1 s; answers through both are all counted", async () => {
    const teacher = tok[DEMO_INSTRUCTOR]!;
    const [s1, s2, s3] = DEMO_STUDENTS.map((e) => tok[e]!);
    const quiz = await call(a, "POST", `/api/v1/courses/${courseId}/quizzes`, teacher.a, { title: "Across", sharedData: true, secondsPerQuestion: 120, items: [{ exercise: "bernoulli-mle" }] });
    expect(quiz.status).toBe(201);
    const id = quiz.body.id as number;
    const { joinCode } = (await call(a, "POST", `/api/v1/quizzes/${id}/start`, teacher.a)).body;
    expect((await call(b, "POST", "/api/v1/quiz-join", s1!.b, { code: joinCode })).status).toBe(200);
    expect((await call(a, "POST", "/api/v1/quiz-join", s2!.a, { code: joinCode })).status).toBe(200);
    expect((await call(b, "POST", "/api/v1/quiz-join", s3!.b, { code: joinCode })).status).toBe(200);

    const studentOnB = await openStream(b, `/api/v1/quizzes/${id}/events`, s1!.b);
    const presenterOnB = await openStream(b, `/api/v1/quizzes/${id}/events`, teacher.b);
    try {
      await studentOnB.arrivedAfter(/"state":"waiting"/, 0);
      let since = Date.now();
      expect((await call(a, "POST", `/api/v1/quizzes/${id}/next`, teacher.a)).status).toBe(200);
      const nextMs = await studentOnB.arrivedAfter(/"state":"asking"/, since);
      expect(nextMs).toBeLessThan(1000);

      // Answers through both processes; one unreadable answer through B (nothing stored, but counted at the reveal).
      since = Date.now();
      expect((await call(a, "POST", `/api/v1/quizzes/${id}/answers`, s1!.a, { index: 0, answers: { theta: "0.5" } })).status).toBe(201);
      expect((await call(b, "POST", `/api/v1/quizzes/${id}/answers`, s2!.b, { index: 0, answers: { theta: "0.25" } })).status).toBe(201);
      expect((await call(b, "POST", `/api/v1/quizzes/${id}/answers`, s3!.b, { index: 0, answers: { theta: "zero point five" } })).status).toBe(422);
      const countMs = await presenterOnB.arrivedAfter(/event: count\ndata: \{"index":0,"responses":2,"participants":3\}/, since);
      expect(countMs).toBeLessThan(1000);

      since = Date.now();
      expect((await call(a, "POST", `/api/v1/quizzes/${id}/reveal`, teacher.a)).status).toBe(200);
      expect(await studentOnB.arrivedAfter(/"state":"revealed"/, since)).toBeLessThan(1000);
      expect(await presenterOnB.arrivedAfter(/"state":"revealed"/, since)).toBeLessThan(1000);

      // Both processes report the same results, counting the unreadable answer sent through B.
      for (const s of [a, b]) {
        const results = (await call(s, "GET", `/api/v1/quizzes/${id}/results`, s === a ? teacher.a : teacher.b)).body;
        const q = results.questions[0];
        expect(q.responses).toBe(2);
        expect(q.groups.find((g: { kind: string }) => g.kind === "unreadable").count).toBe(1);
      }
    } finally {
      studentOnB.close();
      presenterOnB.close();
    }
  });

  test("a token revoked through one process is refused at once by the other, which had it cached", async () => {
    const email = DEMO_STUDENTS[1]!;
    const token = await signIn(a, email);
    for (let i = 0; i < 3; i++) expect((await call(b, "GET", "/api/v1/me", token)).status).toBe(200);
    expect((await call(a, "DELETE", "/api/v1/tokens/current", token)).status).toBe(204);
    expect((await call(b, "GET", "/api/v1/me", token)).status).toBe(401);
    expect((await call(a, "GET", "/api/v1/me", token)).status).toBe(401);
  });

  test("failed sign-ins count across both processes: the 6th is refused by either", async () => {
    const email = DEMO_STUDENTS[2]!;
    for (let i = 0; i < 5; i++) expect((await call(i % 2 ? a : b, "POST", "/api/v1/tokens", undefined, { email, password: `wrong-${i}` })).status).toBe(401);
    expect((await call(a, "POST", "/api/v1/tokens", undefined, { email, password: PASSWORD })).status).toBe(429);
    expect((await call(b, "POST", "/api/v1/tokens", undefined, { email, password: PASSWORD })).status).toBe(429);
  });
});
