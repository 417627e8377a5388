/**
 * `likely backup` (the real CLI process) against the real server process during a burst of graded
 * submissions: the copy passes integrity_check, holds every submission acknowledged before the
 * backup began, and a server started on the copy serves them. Then the server's own schedule.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { api, apiExpect, mapLimit, prepareClass, type Participant } from "../../bench/lib/api";
import { startServerProcess, type ServerProcess } from "../../bench/lib/server-process";
import { ConfigError, loadConfig } from "../../src/config";
import { backupFileName, pruneBackups } from "../../src/ops/backup-schedule";
import { TMP_DIR } from "../support/paths";
import { buildDist, likely, likelyAsync } from "./cli-run";

jest.setTimeout(180_000);

const PASSWORD = "backup-test-password";
const WORK = path.join(TMP_DIR, `backup-${process.pid}`);
const servers: ServerProcess[] = [];

beforeAll(() => {
  buildDist();
  fs.mkdirSync(WORK, { recursive: true });
}, 120_000);
afterAll(async () => {
  for (const s of servers) await s.kill("SIGKILL");
});

function serverEnv(dbFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: `file:${dbFile}`, LIKELY_DEMO_PASSWORD: PASSWORD, LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0", LIKELY_LOG_LEVEL: "warn", ...extra };
}

async function start(dbFile: string, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const s = await startServerProcess({ env: serverEnv(dbFile, extra), timeoutMs: 60_000 });
  servers.push(s);
  return s;
}

type Ack = { id: number; at: number; assignment: number };

test("likely backup during a burst of submissions: consistent, complete up to its start, and servable", async () => {
  const dbFile = path.join(WORK, "live.db");
  const copy = path.join(WORK, "copy.db");
  const server = await start(dbFile);
  const cls = await prepareClass(server.url, { password: PASSWORD, students: 6, exercises: ["bernoulli-mle", "gaussian-mle"] });

  // The burst: 8 clients submitting the key of their variant, one request after another.
  const acks: Ack[] = [];
  let stop = false;
  let failures = 0;
  const submitLoop = async (p: Participant) => {
    while (!stop) {
      const r = await api(server.url, "POST", `/variants/${p.variantId}/submissions`, { token: p.token, body: { answers: p.answers } });
      if (r.status === 201) acks.push({ id: r.body.submissionId as number, at: performance.now(), assignment: cls.assignmentId });
      else failures++;
    }
  };
  const burst = mapLimit(cls.participants.slice(0, 8), 8, submitLoop);
  while (acks.length < 60) await new Promise((r) => setTimeout(r, 20));

  const backupStarted = performance.now();
  const before = acks.filter((a) => a.at <= backupStarted).map((a) => a.id);
  const run = await likelyAsync(["backup", copy], { DATABASE_URL: `file:${dbFile}` });
  const backupEnded = performance.now();
  const duringBackup = acks.filter((a) => a.at > backupStarted && a.at <= backupEnded).length;
  stop = true;
  await burst;
  expect(failures).toBe(0);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout) as { file: string; bytes: number; submissions: number };
  expect(Object.keys(out)).toEqual(["file", "bytes", "submissions"]);
  expect(out.file).toBe(path.resolve(copy));
  expect(out.bytes).toBe(fs.statSync(copy).size);
  expect(fs.readdirSync(WORK).filter((n) => n.includes("partial"))).toEqual([]);

  // The copy on its own: integrity, and every acknowledged-before submission in it.
  const check = likely(["restore-check", copy], {});
  expect(check.status).toBe(0);
  const report = JSON.parse(check.stdout);
  expect(report.integrity).toBe("ok");
  expect(report.foreignKeyProblems).toBe(0);
  expect(report.counts.submissions).toBe(out.submissions);
  expect(report.migrations.pending).toEqual([]);
  const db = new Database(copy, { readonly: true });
  const inCopy = new Set((db.prepare("SELECT id FROM Submission").all() as { id: number }[]).map((r) => r.id));
  db.close();
  const missing = before.filter((id) => !inCopy.has(id));
  expect(missing).toEqual([]);
  expect(inCopy.size).toBe(out.submissions);
  expect(out.submissions).toBeGreaterThanOrEqual(before.length + cls.probesStored);

  // Restoring is starting on the copy: the live server's tokens are in it too.
  await server.kill("SIGTERM");
  const restored = await start(copy);
  const listed = (await apiExpect(restored.url, 200, "GET", `/assignments/${cls.assignmentId}/submissions`, { token: cls.instructorToken })) as { id: number }[];
  const served = new Set(listed.map((s) => s.id));
  expect(before.filter((id) => !served.has(id))).toEqual([]);
  const student = cls.participants[0]!;
  const again = await api(restored.url, "POST", `/variants/${student.variantId}/submissions`, { token: student.token, body: { answers: student.answers } });
  expect(again.status).toBe(201);
  console.log(
    `backup during a burst: ${before.length} acknowledged before the backup began, ${duringBackup} more during it; ` +
      `copy holds ${out.submissions} submissions (${out.bytes} bytes) in ${Math.round(backupEnded - backupStarted)} ms; 0 missing; restored server lists all ${before.length}`,
  );
  await restored.kill("SIGTERM");
});

test("the server's own schedule writes a backup at start and keeps only the newest LIKELY_BACKUP_KEEP", async () => {
  const dbFile = path.join(WORK, "scheduled.db");
  const dir = path.join(WORK, "scheduled-backups");
  fs.mkdirSync(dir, { recursive: true });
  const old = ["likely-20200101T000000Z.db", "likely-20200102T000000Z.db", "likely-20200103T000000Z.db"];
  for (const n of old) fs.writeFileSync(path.join(dir, n), "old");
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a backup: never deleted");
  const token = "metrics-token-0123456789";
  const server = await start(dbFile, { LIKELY_BACKUP_DIR: dir, LIKELY_BACKUP_EVERY_HOURS: "24", LIKELY_BACKUP_KEEP: "2", LIKELY_METRICS_TOKEN: token });
  const deadline = Date.now() + 60_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = fs.readdirSync(dir).sort();
    if (!names.includes(old[1]!)) break; // pruned: the new backup is complete
    await new Promise((r) => setTimeout(r, 200));
  }
  const fresh = names.filter((n) => /^likely-\d{8}T\d{6}Z\.db$/.test(n) && !old.includes(n));
  expect(fresh).toHaveLength(1);
  expect(names).toEqual([old[2], fresh[0], "notes.txt"]);
  expect(likely(["restore-check", path.join(dir, fresh[0]!)], {}).status).toBe(0);
  const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
  const stamp = Number(/^likely_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
  expect(stamp).toBeGreaterThan(Date.now() / 1000 - 120);
  await server.kill("SIGTERM");
});

test("backup names sort by time, and pruning touches only them", () => {
  expect(backupFileName(new Date("2026-11-30T22:15:03.123Z"))).toBe("likely-20261130T221503Z.db");
  const dir = path.join(WORK, "prune");
  fs.mkdirSync(dir, { recursive: true });
  for (const n of ["likely-20260101T000000Z.db", "likely-20250101T000000Z.db", "likely-20270101T000000Z.db", "other.db"]) fs.writeFileSync(path.join(dir, n), "");
  expect(pruneBackups(dir, 1)).toEqual(["likely-20250101T000000Z.db", "likely-20260101T000000Z.db"]);
  expect(fs.readdirSync(dir).sort()).toEqual(["likely-20270101T000000Z.db", "other.db"]);
});

test("scheduled-backup settings are checked like the other variables", () => {
  const base = { NODE_ENV: "test" };
  expect(loadConfig({ ...base, LIKELY_BACKUP_DIR: "/var/backups/likely", LIKELY_BACKUP_EVERY_HOURS: "6" }).backup).toEqual({ dir: "/var/backups/likely", everyHours: 6, keep: 14 });
  expect(() => loadConfig({ ...base, LIKELY_BACKUP_DIR: "/x" })).toThrow(/LIKELY_BACKUP_DIR and LIKELY_BACKUP_EVERY_HOURS go together/);
  expect(() => loadConfig({ ...base, LIKELY_BACKUP_EVERY_HOURS: "6" })).toThrow(ConfigError);
  expect(() => loadConfig({ ...base, LIKELY_BACKUP_DIR: "/x", LIKELY_BACKUP_EVERY_HOURS: "often" })).toThrow(/^LIKELY_BACKUP_EVERY_HOURS: .*number of hours/);
  expect(() => loadConfig({ ...base, LIKELY_BACKUP_DIR: "/x", LIKELY_BACKUP_EVERY_HOURS: "0" })).toThrow(/at least/);
  expect(() => loadConfig({ ...base, LIKELY_BACKUP_DIR: "/x", LIKELY_BACKUP_EVERY_HOURS: "1", LIKELY_BACKUP_KEEP: "0" })).toThrow(/LIKELY_BACKUP_KEEP/);
});

test("restore-check reports a damaged copy: integrity problems, exit 1", () => {
  const damaged = path.join(WORK, "damaged.db");
  const bytes = fs.readFileSync(path.join(WORK, "copy.db")); // from the first test
  const page = 4096;
  // Overwrite the middle of every page but the first (the header and schema stay readable).
  for (let p = 1; p < bytes.length / page; p++) bytes.fill(0xab, p * page + 512, p * page + 1024);
  fs.writeFileSync(damaged, bytes);
  const r = likely(["restore-check", damaged], {});
  expect(r.status).toBe(1);
  const report = JSON.parse(r.stdout) as { integrity: unknown };
  expect(report.integrity).not.toBe("ok");
  expect(Array.isArray(report.integrity) && report.integrity.length).toBeGreaterThan(0);
  expect(likely(["restore-check", path.join(WORK, "copy.db")], {}).status).toBe(0);
});

test("bad backup input exits 2 with one line; PostgreSQL is sent to pg_dump", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["backup"], {}, /^likely backup: expected one FILE/],
    [["backup", path.join(WORK, "x.db")], { DATABASE_URL: `file:${path.join(WORK, "nope.db")}` }, /^likely backup: database .*nope\.db does not exist$/],
    [["backup", path.join(WORK, "copy.db")], { DATABASE_URL: `file:${path.join(WORK, "live.db")}` }, /^likely backup: .*copy\.db exists already; choose a new file name$/],
    [["backup", path.join(WORK, "no-such-dir", "x.db")], { DATABASE_URL: `file:${path.join(WORK, "live.db")}` }, /^likely backup: folder .* does not exist$/],
    [["backup", path.join(WORK, "pg.db")], { DATABASE_URL: "postgresql://likely@localhost/likely" }, /^likely backup: DATABASE_URL is a PostgreSQL database: back it up with pg_dump/],
    [["restore-check", path.join(WORK, "missing.db")], {}, /^likely restore-check: .*missing\.db does not exist$/],
  ];
  fs.writeFileSync(path.join(WORK, "junk.db"), "this is not a database at all, just text ".repeat(200));
  cases.push([["restore-check", path.join(WORK, "junk.db")], {}, /^likely restore-check: .*junk\.db is not a readable SQLite database/]);
  for (const [args, env, message] of cases) {
    const r = likely(args, env);
    expect([args, r.status, r.stderr.trim().split("\n").length]).toEqual([args, 2, 1]);
    expect(r.stderr.trim()).toMatch(message);
  }
  expect(fs.existsSync(path.join(WORK, "pg.db"))).toBe(false);
});
