/**
 * SIGTERM (a deploy, `docker stop`, a process manager) must end the server process: at once when it
 * is idle, and after the 10 s grace period when a request is stuck inside a database transaction
 * (before the grace period, such a request kept a pooled PostgreSQL connection checked out and the
 * process never exited). The cut-off submission was never acknowledged, so it must not be stored.
 * PostgreSQL project only: the stuck transaction is a submission waiting for a row lock held here.
 */
import { Client } from "pg";
import { startServerProcess, type ServerProcess } from "../../bench/lib/server-process";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS } from "../../src/seed/demo";
import { api, newToken } from "../support/http-client";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/test-database";

const PASSWORD = "shutdown-pw-123";
const describePg = onPostgres ? describe : describe.skip;

describePg("SIGTERM ends the server process", () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  let locker: Client | undefined;
  const env = () => ({ DATABASE_URL: database.url, NODE_ENV: "test", LIKELY_DEMO: "1", LIKELY_DEMO_PASSWORD: PASSWORD });

  beforeAll(async () => {
    database = await createTestDatabase("shutdown");
  });

  afterEach(async () => {
    await server?.kill("SIGKILL");
    await locker?.end().catch(() => undefined);
    locker = undefined;
  });

  afterAll(async () => {
    await database?.drop();
  });

  test("an idle server exits 0 within 3 s", async () => {
    server = await startServerProcess({ env: env(), timeoutMs: 60_000 });
    const started = Date.now();
    const exit = await server.kill("SIGTERM");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("a submission stuck in its transaction: the process exits after the grace period and the submission is not stored", async () => {
    server = await startServerProcess({ env: env(), timeoutMs: 60_000 });
    const { url } = server;
    const teacher = await newToken(url, DEMO_INSTRUCTOR, PASSWORD);
    const student = await newToken(url, DEMO_STUDENTS[0]!, PASSWORD);
    const courses = (await api(url, teacher, "GET", "/courses")).body as { id: number; code: string }[];
    const courseId = courses.find((c) => c.code === "ML101")!.id;
    const created = await api(url, teacher, "POST", `/courses/${courseId}/assignments`, { title: "Shutdown", kind: "homework", items: [{ exercise: "gaussian-mle" }] });
    expect(created.status).toBe(201);
    const variantId = ((await api(url, student, "GET", `/assignments/${(created.body as { id: number }).id}`)).body as { items: { variantId: number }[] }).items[0]!.variantId;

    // Another session holds the variant's row lock: the submission's transaction waits inside the server.
    locker = new Client({ connectionString: database.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query(`SELECT 1 FROM "Variant" WHERE "id" = $1 FOR UPDATE`, [variantId]);
    const submission = api(url, student, "POST", `/variants/${variantId}/submissions`, { answers: { mean: "1", variance: "2" } }).then(
      (r) => `answered ${r.status}`,
      (err: Error) => `cut off (${err.message})`,
    );
    for (let i = 0; ; i++) {
      const waiting = await locker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
      if (waiting.rows[0].n > 0) break;
      if (i > 200) throw new Error("the submission never reached the row lock");
      await new Promise((r) => setTimeout(r, 25));
    }

    const signalled = Date.now();
    const exit = await server.kill("SIGTERM");
    const tookMs = Date.now() - signalled;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(tookMs).toBeGreaterThanOrEqual(9_500);
    expect(tookMs).toBeLessThan(15_000);
    expect(server.output()).toContain("shutdown still waiting after 10 s; exiting");
    expect(await submission).toMatch(/^cut off/); // never acknowledged

    await locker.query("ROLLBACK");
    const stored = await locker.query(`SELECT count(*)::int AS n FROM "Submission" WHERE "variantId" = $1`, [variantId]);
    expect(stored.rows[0].n).toBe(0);
  });
});
