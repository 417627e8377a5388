/**
 * Grade passback under faults: the LMS answers 503 for a while, the tool (the real server process)
 * is killed with SIGKILL while scores wait for retry, and restarted on the same database. Every score
 * must arrive, the newest must win, and no student's scores may arrive out of order.
 */
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { startServerProcess, type ServerProcess } from "../../bench/lib/server-process";
import { openDb, type Db } from "../../src/db/client";
import { FakeLms } from "../../bench/lib/fake-lms";
import { addPlatformArgs, deepLinkAssignments, learner, runLtiCli, studentLaunch, submitThroughPage, waitFor } from "../support/lti-setup";
import { ROOT } from "../support/paths";
import { createTestDatabase, type TestDatabase } from "../support/test-database";

jest.setTimeout(180_000);

const STUDENTS = 6;
let fake: FakeLms;
let server: ServerProcess | undefined;
let db: Db;
let database: TestDatabase;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
  if (tsc.status !== 0) console.warn(`tsc reported errors:\n${tsc.stdout.slice(0, 2000)}`);
  database = await createTestDatabase("lti_crash");
}, 180_000);

afterAll(async () => {
  await server?.kill("SIGKILL");
  await fake?.close();
  await db?.$disconnect();
  await database?.drop();
});

test("503s, then SIGKILL and restart: every score arrives, newest wins, none out of order", async () => {
  const port = await freePort();
  const env = { PORT: String(port), DATABASE_URL: database.url, NODE_ENV: "test", LIKELY_DEMO: "0", LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" };
  const tool = `http://localhost:${port}`;
  server = await startServerProcess({ env });
  fake = await new FakeLms().start();
  fake.useTool(tool);
  expect((await runLtiCli(database.url, addPlatformArgs(fake))).code).toBe(0);
  db = await openDb({ url: database.url, synchronous: "NORMAL" });
  await deepLinkAssignments(fake, tool, 1);

  // The LMS is down (503) from here on, until we say otherwise.
  fake.scoreFailure = { status: 503, until: Number.POSITIVE_INFINITY };
  const students: Awaited<ReturnType<typeof studentLaunch>>[] = [];
  for (let i = 1; i <= STUDENTS; i++) students.push(await studentLaunch(fake, tool, i));
  // Each student: a wrong answer, then the key. The newest counted points are the item's points.
  for (const s of students) await submitThroughPage(s.b, tool, db, s.assignmentId, false);
  for (const s of students) await submitThroughPage(s.b, tool, db, s.assignmentId, true);
  const submittedAt = Date.now();
  expect(await db.ltiScoreOutbox.count({ where: { status: "pending" } })).toBe(STUDENTS);
  await new Promise((r) => setTimeout(r, 1500)); // several 503s, backoff growing
  expect(fake.scores).toHaveLength(0);

  const exit = await server.kill("SIGKILL");
  expect(exit.signal).toBe("SIGKILL");
  const waiting = await db.ltiScoreOutbox.findMany({ select: { status: true, attempts: true, lastError: true } });
  expect(waiting.every((r) => r.status === "pending" && r.attempts > 0 && /503/.test(r.lastError ?? ""))).toBe(true);

  server = await startServerProcess({ env });
  await new Promise((r) => setTimeout(r, 1000)); // still down after the restart
  const healthyAt = Date.now();
  fake.scoreFailure = null;

  const a = await db.assignment.findFirstOrThrow({ where: { id: students[0]!.assignmentId }, include: { items: true } });
  const first = a.items.sort((x, y) => x.position - y.position)[0]!;
  await waitFor("every student's newest score at the LMS", () => students.every((_s, i) => fake.scores.some((x) => x.body.userId === learner(i + 1).sub && Math.abs(Number(x.body.scoreGiven) - first.points) < 1e-9)), 90_000);
  const lastArrival = Math.max(...fake.scores.map((s) => s.at));
  await new Promise((r) => setTimeout(r, 500)); // nothing more may follow
  expect(fake.problems).toEqual([]);
  for (let i = 1; i <= STUDENTS; i++) {
    const got = fake.scores.filter((s) => s.body.userId === learner(i).sub);
    expect(got.at(-1)!.body.scoreGiven).toBeCloseTo(first.points, 9); // newest wins
    const stamps = got.map((s) => String(s.body.timestamp));
    expect([...stamps].sort()).toEqual(stamps); // never out of order
  }
  expect(await db.ltiScoreOutbox.count({ where: { status: { not: "sent" } } })).toBe(0);
  const delay = lastArrival - healthyAt;
  console.log(
    `LTI outbox under faults: ${STUDENTS} students x 2 submissions, LMS answering 503 for ${((healthyAt - submittedAt) / 1000).toFixed(1)} s with a SIGKILL and restart in between; ` +
      `every newest score delivered ${delay} ms after the LMS recovered; ${fake.scores.length} scores accepted, ${fake.tokenRequests} token requests`,
  );
  expect(delay).toBeLessThan(65_000);
});
