/**
 * The submission hot path on PostgreSQL is SQL on the pg pool (src/db/postgres-submissions.ts), not
 * Prisma: it must read and write dates as Prisma does (UTC in `timestamp without time zone`) whatever
 * the server's time zone, and answer what the Prisma path answered. The server process runs 13 hours
 * from UTC (TZ=Pacific/Auckland), so a date read or written as local time is off by hours; this test
 * process reads the rows back through Prisma. PostgreSQL project only.
 */
import { startServerProcess, type ServerProcess } from "../../bench/lib/server-process";
import { openDb, type Db } from "../../src/db/client";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS } from "../../src/seed/demo";
import { api, newToken } from "../support/http-client";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/test-database";

const PASSWORD = "pg-path-pw-123";
const describePg = onPostgres ? describe : describe.skip;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describePg("graded submissions on PostgreSQL's SQL path, in a server 13 hours from UTC", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let db: Db;
  let url: string;
  let teacher: string;
  let student: string;
  let other: string;
  let courseId: number;

  beforeAll(async () => {
    database = await createTestDatabase("pg_path");
    server = await startServerProcess({ env: { DATABASE_URL: database.url, NODE_ENV: "test", TZ: "Pacific/Auckland", LIKELY_DEMO: "1", LIKELY_DEMO_PASSWORD: PASSWORD, LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" }, timeoutMs: 60_000 });
    url = server.url;
    db = await openDb({ url: database.url, synchronous: "NORMAL" });
    teacher = await newToken(url, DEMO_INSTRUCTOR, PASSWORD);
    student = await newToken(url, DEMO_STUDENTS[0]!, PASSWORD);
    other = await newToken(url, DEMO_STUDENTS[1]!, PASSWORD);
    courseId = ((await api(url, teacher, "GET", "/courses")).body as Json).find((c: Json) => c.code === "ML101").id;
  }, 90_000);

  afterAll(async () => {
    await server?.kill("SIGTERM");
    await db?.$disconnect();
    await database?.drop();
  });

  /** A one-item homework; its variant for `token`'s student. */
  async function assignment(dueAt: Date | null, token = student): Promise<{ id: number; variantId: number }> {
    const created = await api(url, teacher, "POST", `/courses/${courseId}/assignments`, { title: "SQL path", kind: "homework", maxAttempts: 3, dueAt: dueAt?.toISOString(), items: [{ exercise: "bernoulli-mle" }] });
    expect(created.status).toBe(201);
    const id = (created.body as Json).id as number;
    return { id, variantId: ((await api(url, token, "GET", `/assignments/${id}`)).body as Json).items[0].variantId };
  }

  const submit = (token: string, variantId: number, body: object) => api(url, token, "POST", `/variants/${variantId}/submissions`, body);

  test("the stored time is now in UTC, as Prisma reads it back", async () => {
    const { variantId } = await assignment(null);
    const before = Date.now();
    const r = await submit(student, variantId, { answers: { theta: "0.5" } });
    expect(r.status).toBe(201);
    const stored = await db.submission.findUniqueOrThrow({ where: { id: (r.body as Json).submissionId } });
    expect(stored.createdAt.getTime()).toBeGreaterThanOrEqual(before - 2000);
    expect(stored.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    expect(stored).toMatchObject({ variantId, attempt: 1 });
  });

  test("due dates read on the hot path: accepted 30 minutes before the due date, refused 30 minutes after", async () => {
    const open = await assignment(new Date(Date.now() + 30 * 60_000));
    expect((await submit(student, open.variantId, { answers: { theta: "0.5" } })).status).toBe(201);
    const closed = await assignment(new Date(Date.now() - 30 * 60_000));
    const late = await submit(student, closed.variantId, { answers: { theta: "0.5" } });
    expect(late.status).toBe(409);
    expect(await db.submission.count({ where: { variantId: closed.variantId } })).toBe(0);
  });

  test("a repeated idempotency key answers the first submission and stores nothing more; another student's same key is theirs", async () => {
    const { id, variantId } = await assignment(null);
    const body = { answers: { theta: "0.25" }, idempotencyKey: "pg-path-key-0001" };
    const first = await submit(student, variantId, body);
    const again = await submit(student, variantId, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect((again.body as Json).submissionId).toBe((first.body as Json).submissionId);
    expect((again.body as Json).score).toBe((first.body as Json).score);
    expect(await db.submission.count({ where: { variantId } })).toBe(1);
    const theirs = ((await api(url, other, "GET", `/assignments/${id}`)).body as Json).items[0].variantId as number;
    expect((await submit(other, theirs, body)).status).toBe(201);
  });

  test("another student's variant is not found, and nothing is stored", async () => {
    const { variantId } = await assignment(null);
    expect((await submit(other, variantId, { answers: { theta: "0.5" } })).status).toBe(404);
    expect(await db.submission.count({ where: { variantId } })).toBe(0);
  });
});
