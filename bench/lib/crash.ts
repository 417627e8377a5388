/**
 * Crash trials against the real server process: a burst of graded submissions, SIGKILL at a random
 * moment, then checks on the database (the SQLite file opened directly once the process is gone,
 * or the PostgreSQL database) and a restart on the same database. A submission counts as
 * acknowledged once its 201 reached the client; every acknowledged submission must be stored with
 * the same id, idempotency key and answers, and the integrity check must say "ok" (SQLite's
 * `PRAGMA integrity_check`; on PostgreSQL amcheck's bt_index_check of the Submission indexes).
 *
 * Used by bench/crash-trials.ts (200+ trials) and test/reliability/crash.test.ts (a few, in CI).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { api, apiExpect, prepareClass, shiftAnswers, type BenchClass, type Participant } from "./api";
import { seededRandom } from "./rng";
import { startServerProcess, type ServerProcess } from "./server-process";

export type CrashOptions = {
  trials: number;
  synchronous: "FULL" | "NORMAL";
  /**
   * A PostgreSQL database (postgresql://..., fresh: empty or only migrated) to run on instead of a
   * SQLite file in workDir; `synchronous` is then SQLite's knob and has no effect.
   */
  databaseUrl?: string;
  /** Start the server with LIKELY_UNSAFE_ACK_BEFORE_COMMIT=1: the harness must then see losses. */
  negativeControl?: boolean;
  /** Submissions in flight during a burst (each worker sends the next one when its answer comes). */
  concurrency?: number;
  /** The kill lands uniformly between these many milliseconds after the burst starts. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Warm-up submissions after each (re)start, before the burst (part of the trial: checked too). */
  warmup?: number;
  students?: number;
  seed?: number;
  /** Scratch folder for the database file. */
  workDir: string;
  log?: (line: string) => void;
  /** Print one line per trial. */
  verbose?: boolean;
};

export type CrashReport = {
  /** "sqlite" or "postgresql". */
  database: "sqlite" | "postgresql";
  synchronous: "FULL" | "NORMAL";
  negativeControl: boolean;
  seed: number;
  trials: number;
  /** Submissions sent, and those answered 201 before the kill. */
  sent: number;
  acknowledged: number;
  /** Acknowledged but missing (or different) after the crash. */
  lost: number;
  trialsWithLoss: number;
  integrityFailures: number;
  /** Counts that do not add up: attempt numbers with gaps, rows nobody sent, totals. */
  inconsistencies: number;
  /** Stored although the client never saw the answer (in flight at the kill): allowed. */
  storedUnacknowledged: number;
  /** Answers other than 201 (should be none) and requests that failed before the kill. */
  refused: number;
  errorsBeforeKill: number;
  /** Times the server exited on its own before the kill (a crash of the server, or something else killed it). */
  unexpectedExits: number;
  /** Checked again at the very end: acknowledged submissions of all trials still stored. */
  lostAtEnd: number;
  meanKillDelayMs: number;
  meanRestartMs: number;
  durationMs: number;
  /** The first problems found, for the report. */
  problems: string[];
};

type Sent = {
  key: string;
  participant: Participant;
  answers: Record<string, unknown>;
  /** HTTP status, once the response head arrived. */
  status?: number;
  submissionId?: number;
  error?: string;
  /** The request failed while the server was still meant to be running. */
  errorBeforeKill?: boolean;
};

type Row = { id: number; variantId: number; userId: number; attempt: number; raw: string; idempotencyKey: string | null };

export const CRASH_PASSWORD = "crash-harness-password";
/** A (re)start on a busy machine (two cores shared with the database server) can take a while. */
const START_TIMEOUT_MS = 120_000;

function serverEnv(databaseUrl: string, options: CrashOptions): Record<string, string> {
  return {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    LIKELY_DEMO: "1",
    LIKELY_DEMO_PASSWORD: CRASH_PASSWORD,
    LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0",
    LIKELY_SQLITE_SYNCHRONOUS: options.synchronous,
    ...(options.negativeControl ? { LIKELY_UNSAFE_ACK_BEFORE_COMMIT: "1" } : {}),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one submission and records what came back; never throws. */
async function submit(base: string, s: Sent, killed: () => boolean): Promise<void> {
  try {
    const res = await fetch(`${base}/api/v1/variants/${s.participant.variantId}/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.participant.token}`, "content-type": "application/json" },
      body: JSON.stringify({ answers: s.answers, idempotencyKey: s.key }),
      signal: AbortSignal.timeout(20_000),
    });
    s.status = res.status;
    const body = (await res.json()) as { submissionId?: number };
    if (typeof body.submissionId === "number") s.submissionId = body.submissionId;
  } catch (err) {
    s.error = String((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
    s.errorBeforeKill = !killed();
  }
}

type Verdict = {
  integrityOk: boolean;
  integrityText: string;
  total: number;
  acknowledged: number;
  lost: number;
  storedUnacknowledged: number;
  inconsistencies: number;
  problems: string[];
  /** Keys of acknowledged submissions that are missing or different. */
  lostKeys: Set<string>;
  /** Submission count per variant, from the file. */
  perVariant: Map<number, number>;
};

/** The checks' view of the database: positional parameters `$1`, `$2`... in order. */
type CheckDb = {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  integrity(): Promise<string[]>;
  /** Waits until the dead server's sessions are gone (PostgreSQL may still be committing what it was sent before the kill). */
  settle(): Promise<void>;
  close(): Promise<void>;
};

const isPostgres = (url: string) => /^postgres(ql)?:/i.test(url);

/** Opens the database the server used (after its death: SQLite's file is opened directly). */
async function openCheckDb(url: string, readonly = false): Promise<CheckDb> {
  if (isPostgres(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      all: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
      async integrity() {
        try {
          await client.query("CREATE EXTENSION IF NOT EXISTS amcheck");
          await client.query(`SELECT bt_index_check(i.indexrelid) FROM pg_index i WHERE i.indrelid = '"Submission"'::regclass`);
          return ["ok"];
        } catch (err) {
          return [`bt_index_check: ${(err as Error).message}`];
        }
      },
      async settle() {
        // A COMMIT that reached PostgreSQL before the kill still completes (stored, not
        // acknowledged); reading while it does counted one row twice in a trial's totals.
        for (const end = Date.now() + 15_000; Date.now() < end; await sleep(20)) {
          const r = await client.query(`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
          if (r.rows[0].n === 0) return;
        }
      },
      close: () => client.end(),
    };
  }
  const db = new Database(url.replace(/^file:/, ""), { fileMustExist: true, readonly });
  return {
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql.replace(/\$\d+/g, "?")).all(...params) as T[],
    integrity: async () => (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check),
    settle: async () => undefined, // the process that held the file is dead: nothing else writes to it
    close: async () => void db.close(),
  };
}

/** Checks the database of a dead server against what the clients were told. */
export async function verifyDatabase(databaseUrl: string, sent: Sent[], keyPrefix: string, expectedTotal: number | null): Promise<Verdict> {
  const problems: string[] = [];
  const db = await openCheckDb(databaseUrl);
  try {
    await db.settle();
    const integrity = await db.integrity();
    const integrityText = integrity.join("; ");
    const integrityOk = integrity.length === 1 && integrity[0] === "ok";
    if (!integrityOk) problems.push(`integrity check: ${integrityText.slice(0, 300)}`);
    const rows = await db.all<Row>(
      `SELECT "id", "variantId", "userId", "attempt", "raw", "idempotencyKey" FROM "Submission" WHERE "idempotencyKey" LIKE $1 ESCAPE '\\'`,
      [keyPrefix.replace(/[%_\\]/g, "\\$&") + "%"],
    );
    const byKey = new Map(rows.map((r) => [r.idempotencyKey!, r]));
    const sentByKey = new Map(sent.map((s) => [s.key, s]));
    let inconsistencies = 0;
    let lost = 0;
    let acknowledged = 0;
    let storedUnacknowledged = 0;
    const lostKeys = new Set<string>();
    for (const r of rows) {
      const s = sentByKey.get(r.idempotencyKey!);
      if (!s) {
        inconsistencies++;
        problems.push(`row ${r.id} has key ${r.idempotencyKey} that no client sent`);
        continue;
      }
      if (r.variantId !== s.participant.variantId || r.userId !== s.participant.userId || !isDeepStrictEqual(JSON.parse(r.raw), s.answers)) {
        inconsistencies++;
        problems.push(`row ${r.id} (${r.idempotencyKey}) does not hold what was sent`);
      }
      if (s.status !== 201) storedUnacknowledged++;
    }
    for (const s of sent) {
      if (s.status !== 201) continue;
      acknowledged++;
      const r = byKey.get(s.key);
      if (!r) {
        lost++;
        lostKeys.add(s.key);
        problems.push(`LOST: ${s.key} was acknowledged (submission ${s.submissionId ?? "?"}) but is not in the database`);
      } else if (s.submissionId !== undefined && r.id !== s.submissionId) {
        lost++;
        lostKeys.add(s.key);
        problems.push(`LOST: ${s.key} was acknowledged as submission ${s.submissionId} but is stored as ${r.id}`);
      }
    }
    const total = (await db.all<{ n: number }>(`SELECT CAST(COUNT(*) AS INTEGER) AS "n" FROM "Submission"`))[0]!.n;
    if (expectedTotal !== null && total !== expectedTotal + rows.length) {
      inconsistencies++;
      problems.push(`the table holds ${total} submissions, expected ${expectedTotal} before the trial + ${rows.length} stored in it`);
    }
    const gaps = await db.all<{ variantId: number; n: number; lo: number; hi: number }>(
      `SELECT "variantId", CAST(COUNT(*) AS INTEGER) AS "n", MIN("attempt") AS "lo", MAX("attempt") AS "hi" FROM "Submission"
       GROUP BY "variantId" HAVING MIN("attempt") <> 1 OR MAX("attempt") <> COUNT(*)`,
    );
    for (const g of gaps) {
      inconsistencies++;
      problems.push(`variant ${g.variantId}: ${g.n} submissions with attempts ${g.lo}..${g.hi}`);
    }
    const perVariant = new Map(
      (await db.all<{ variantId: number; n: number }>(`SELECT "variantId", CAST(COUNT(*) AS INTEGER) AS "n" FROM "Submission" GROUP BY "variantId"`)).map((r) => [r.variantId, r.n]),
    );
    return { integrityOk, integrityText, total, acknowledged, lost, storedUnacknowledged, inconsistencies, problems, lostKeys, perVariant };
  } finally {
    await db.close();
  }
}

/** Runs the trials; never throws for a loss (that is in the report), only when the harness itself cannot run. */
export async function runCrashTrials(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? crypto.randomInt(1, 2 ** 31);
  const rng = seededRandom(seed);
  const concurrency = options.concurrency ?? 32;
  const minDelay = options.minDelayMs ?? 0;
  const maxDelay = Math.max(minDelay, options.maxDelayMs ?? 150);
  const warmup = options.warmup ?? 32;
  const runTag = crypto.randomBytes(3).toString("hex");
  fs.mkdirSync(options.workDir, { recursive: true });
  const dbFile = path.join(options.workDir, `crash-${options.synchronous.toLowerCase()}${options.negativeControl ? "-control" : ""}-${runTag}.db`);
  const databaseUrl = options.databaseUrl ?? `file:${dbFile}`;
  const env = serverEnv(databaseUrl, options);
  const startedAt = Date.now();
  const report: CrashReport = {
    database: isPostgres(databaseUrl) ? "postgresql" : "sqlite",
    synchronous: options.synchronous,
    negativeControl: !!options.negativeControl,
    seed,
    trials: 0,
    sent: 0,
    acknowledged: 0,
    lost: 0,
    trialsWithLoss: 0,
    integrityFailures: 0,
    inconsistencies: 0,
    storedUnacknowledged: 0,
    refused: 0,
    errorsBeforeKill: 0,
    unexpectedExits: 0,
    lostAtEnd: 0,
    meanKillDelayMs: 0,
    meanRestartMs: 0,
    durationMs: 0,
    problems: [],
  };
  const note = (p: string) => {
    if (report.problems.length < 20) report.problems.push(p);
  };

  let server: ServerProcess = await startServerProcess({ env, timeoutMs: START_TIMEOUT_MS });
  const allAcknowledged: Sent[] = [];
  let counter = 0;
  let restartMs = 0;
  let killDelayMs = 0;
  try {
    const cls: BenchClass = await prepareClass(server.url, { password: CRASH_PASSWORD, students: options.students ?? 8, prefix: `crash-${runTag}` });
    let expectedTotal: number | null = cls.probesStored;
    for (const e of cls.excluded) note(`left out variant ${e.variantId} (${e.exercise}): submitting its own key answered ${e.status} ${e.error}`);

    for (let t = 1; t <= options.trials; t++) {
      const keyPrefix = `crash-${runTag}-t${t}-`;
      const sent: Sent[] = [];
      const next = (): Sent => {
        const n = ++counter;
        const participant = cls.participants[Math.floor(rng() * cls.participants.length)]!;
        const s: Sent = { key: keyPrefix + n, participant, answers: shiftAnswers(participant.answers, n * 1e-9) };
        sent.push(s);
        return s;
      };
      const base = server.url;
      let killed = false;
      let gone = false;
      void server.exited.then(() => (gone = true));
      const isKilled = () => killed;

      // Warm-up (JIT, Prisma's query plans): a fresh process answers its first submissions slowly.
      for (let i = 0; i < warmup && !gone; i += 8) {
        await Promise.all(Array.from({ length: Math.min(8, warmup - i) }, () => submit(base, next(), isKilled)));
      }

      // The burst: `concurrency` submissions in flight until the kill.
      const delay = minDelay + rng() * (maxDelay - minDelay);
      killDelayMs += delay;
      const workers = Array.from({ length: concurrency }, async () => {
        while (!killed && !gone) await submit(base, next(), isKilled);
      });
      await sleep(delay);
      killed = true;
      const exit = await server.kill("SIGKILL");
      if (exit.signal !== "SIGKILL") {
        report.unexpectedExits++;
        note(`trial ${t}: the server exited on its own before the kill (code ${exit.code}, signal ${exit.signal}); its last output: ${server.output().slice(-600).trim() || "(none)"}`);
      }
      await Promise.all(workers);

      const failedEarly: Sent[] = [];
      for (const s of sent) {
        if (s.status !== undefined && s.status !== 201) {
          report.refused++;
          note(`trial ${t}: ${s.key} answered ${s.status}`);
        } else if (s.status === undefined && s.errorBeforeKill) {
          report.errorsBeforeKill++;
          failedEarly.push(s);
        }
      }
      if (failedEarly.length > 0) note(`trial ${t}: ${failedEarly.length} requests failed while the server should have been up, first: ${failedEarly[0]!.error}`);
      report.sent += sent.length;

      // Check the database while no server runs on it.
      const v = await verifyDatabase(databaseUrl, sent, keyPrefix, expectedTotal);
      expectedTotal = v.total;
      report.trials++;
      report.acknowledged += v.acknowledged;
      report.lost += v.lost;
      if (v.lost > 0) report.trialsWithLoss++;
      if (!v.integrityOk) report.integrityFailures++;
      report.inconsistencies += v.inconsistencies;
      report.storedUnacknowledged += v.storedUnacknowledged;
      for (const p of v.problems) note(`trial ${t}: ${p}`);
      for (const s of sent) if (s.status === 201) allAcknowledged.push(s);
      if (options.verbose) {
        log(`trial ${t}: kill at ${delay.toFixed(0)} ms, sent ${sent.length}, acknowledged ${v.acknowledged}, lost ${v.lost}, stored unacknowledged ${v.storedUnacknowledged}, integrity ${v.integrityOk ? "ok" : "FAILED"}`);
      } else if (t % 20 === 0 || t === options.trials) {
        log(`  ${t}/${options.trials} trials: acknowledged ${report.acknowledged}, lost ${report.lost}, integrity failures ${report.integrityFailures}`);
      }

      // Restart on the same file; the restarted server must agree with the file.
      const before = Date.now();
      server = await startServerProcess({ env, timeoutMs: START_TIMEOUT_MS });
      restartMs += Date.now() - before;
      const stored = sent.filter((s) => s.status === 201 && s.submissionId !== undefined && !v.lostKeys.has(s.key));
      for (const s of stored.slice(0, 3)) {
        // A retry with the same idempotency key gets the stored submission back, not a new one.
        const res = await api(server.url, "POST", `/variants/${s.participant.variantId}/submissions`, {
          token: s.participant.token,
          body: { answers: s.answers, idempotencyKey: s.key },
        });
        if (res.status !== 200 || res.body.submissionId !== s.submissionId) {
          report.inconsistencies++;
          note(`trial ${t}: retrying ${s.key} after the restart answered ${res.status} ${JSON.stringify(res.body).slice(0, 120)}, expected 200 with submission ${s.submissionId}`);
          if (res.status === 201 && expectedTotal !== null) expectedTotal++;
        }
      }
      // The attempts the restarted server reports are the rows in the file.
      const student = cls.students[Math.floor(rng() * cls.students.length)]!;
      const view = await apiExpect(server.url, 200, "GET", `/assignments/${cls.assignmentId}`, { token: student.token });
      for (const item of view.items as { variantId: number; attemptsUsed: number }[]) {
        const inFile = v.perVariant.get(item.variantId) ?? 0;
        if (item.attemptsUsed !== inFile) {
          report.inconsistencies++;
          note(`trial ${t}: variant ${item.variantId} shows ${item.attemptsUsed} attempts used, the file holds ${inFile}`);
        }
      }
    }
  } finally {
    await server.kill("SIGKILL");
  }

  // Every acknowledged submission of the whole run, once more at the end.
  const db = await openCheckDb(databaseUrl, true);
  try {
    for (const s of allAcknowledged) {
      const [row] = await db.all<{ id: number }>(`SELECT "id" FROM "Submission" WHERE "userId" = $1 AND "idempotencyKey" = $2`, [s.participant.userId, s.key]);
      if (!row || (s.submissionId !== undefined && row.id !== s.submissionId)) report.lostAtEnd++;
    }
  } finally {
    await db.close();
  }
  report.meanKillDelayMs = report.trials ? killDelayMs / report.trials : 0;
  report.meanRestartMs = report.trials ? restartMs / report.trials : 0;
  report.durationMs = Date.now() - startedAt;
  for (const f of [dbFile, dbFile + "-wal", dbFile + "-shm"]) fs.rmSync(f, { force: true });
  return report;
}

/** True when the run shows no loss and no damage. */
export function crashRunPassed(r: CrashReport): boolean {
  return r.trials > 0 && r.acknowledged > 0 && r.lost === 0 && r.lostAtEnd === 0 && r.integrityFailures === 0 && r.inconsistencies === 0;
}

export function formatCrashReport(r: CrashReport): string {
  const mode = `${r.database === "postgresql" ? "PostgreSQL" : `SQLite synchronous=${r.synchronous}`}${r.negativeControl ? ", NEGATIVE CONTROL (ack before commit)" : ""}`;
  return [
    `crash trials (${mode}, seed ${r.seed})`,
    `  trials                 ${r.trials}`,
    `  submissions sent       ${r.sent}`,
    `  acknowledged (201)     ${r.acknowledged}`,
    `  lost                   ${r.lost}  (in ${r.trialsWithLoss} trials; ${r.lostAtEnd} missing at the final check)`,
    `  integrity failures     ${r.integrityFailures}`,
    `  inconsistencies        ${r.inconsistencies}`,
    `  stored, not acked      ${r.storedUnacknowledged}  (in flight at the kill: allowed)`,
    `  non-201 answers        ${r.refused}`,
    `  failed before the kill ${r.errorsBeforeKill}  (server exited on its own ${r.unexpectedExits} times)`,
    `  mean kill delay        ${r.meanKillDelayMs.toFixed(0)} ms after the burst started`,
    `  mean restart           ${r.meanRestartMs.toFixed(0)} ms`,
    `  duration               ${(r.durationMs / 1000).toFixed(1)} s`,
  ].join("\n");
}
