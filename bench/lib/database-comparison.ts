/**
 * `submit-throughput --database postgres --workers N`: graded submissions per second and p99 for
 * SQLite x1, PostgreSQL x1 and PostgreSQL xN server processes next to the bare Express endpoint, with
 * the CPU each submission costs in the app processes and in the PostgreSQL backends (from
 * /proc/<pid>/stat, so the share of a loaded, shared machine does not blur it), and from those costs
 * the throughput to expect with more app machines until the database machine saturates.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { projectRoot } from "../../src/paths";
import { prepareClass } from "./api";
import { echoRequests, formatFigures, runLoad, submissionRequests, type LoadFigures } from "./load";
import { monotonicUs, printProfile, summarizeProfile } from "./profile";
import { startServerProcess } from "./server-process";

export type ComparisonOptions = {
  connections: number;
  seconds: number;
  warmup: number;
  students: number;
  workers: number;
  password: string;
  workDir: string;
  bareScript: string;
  /** Profile the PostgreSQL x1 server (node --cpu-prof) and print where its CPU went during the measured run. */
  profile?: boolean;
};

type Target = { label: string; workers: number; postgres: boolean };
type Row = { target: Target; figures: LoadFigures; stored: number; appCpuMs: number; dbCpuMs: number; loadAverage: number };

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** CPU time (user + system, ms) of a process, or 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** The pid and every descendant (cluster workers; PostgreSQL backends under the postmaster). */
function family(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** Per-pid CPU at a moment, so processes that end before the second sample still count up to their last one. */
function sample(root: number): Map<number, number> {
  return new Map(family(root).map((pid) => [pid, cpuMs(pid)]));
}

function spent(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

export async function compareDatabases(o: ComparisonOptions): Promise<void> {
  const { startCluster, databaseUrl } = require(path.join(projectRoot, "scripts", "postgres-cluster.js")) as typeof import("../../scripts/postgres-cluster");
  const cluster = await startCluster({ durable: true, parent: o.workDir });
  const postmaster = Number(fs.readFileSync(path.join(cluster.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  console.log(`PostgreSQL: a throwaway cluster (fsync on, synchronous_commit on) at ${cluster.url}, postmaster ${postmaster}\n`);
  const targets: Target[] = [
    { label: "SQLite x1 (synchronous=FULL)", workers: 1, postgres: false },
    { label: "PostgreSQL x1", workers: 1, postgres: true },
    { label: `PostgreSQL x${o.workers}`, workers: o.workers, postgres: true },
  ];
  const rows: Row[] = [];
  let bare: LoadFigures | undefined;
  try {
    for (const [i, target] of targets.entries()) {
      let url: string;
      const file = path.join(o.workDir, `compare-${i}.db`);
      if (target.postgres) {
        const admin = new pg.Client({ connectionString: cluster.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE "likely_bench_${i}"`);
        await admin.end();
        url = databaseUrl(cluster.url, `likely_bench_${i}`);
      } else url = `file:${file}`;
      const profileDir = o.profile && target.postgres && target.workers === 1 ? path.join(o.workDir, `profile-${i}`) : undefined;
      let window: [number, number] | undefined;
      const server = await startServerProcess({
        nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
        env: {
          NODE_ENV: "production",
          SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789",
          LIKELY_DEMO: "1",
          LIKELY_DEMO_PASSWORD: o.password,
          DATABASE_URL: url,
          LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0",
          LIKELY_SQLITE_SYNCHRONOUS: "FULL",
          LIKELY_WORKERS: String(target.workers),
          LIKELY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
        },
        timeoutMs: 120_000,
      });
      try {
        const cls = await prepareClass(server.url, { password: o.password, students: o.students });
        await runLoad("warm-up", { url: server.url, connections: o.connections, seconds: o.warmup, next: submissionRequests(cls.participants, `warm-${i}`) });
        const before = await countSubmissions(target.postgres ? url : file, target.postgres);
        const app0 = sample(server.pid);
        const db0 = sample(postmaster);
        const loadAverage = os.loadavg()[0]!;
        const from = monotonicUs();
        const figures = await runLoad(target.label, { url: server.url, connections: o.connections, seconds: o.seconds, next: submissionRequests(cls.participants, `load-${i}`) });
        window = [from, monotonicUs()];
        const appCpu = spent(app0, sample(server.pid));
        const dbCpu = target.postgres ? spent(db0, sample(postmaster)) : 0;
        const stored = (await countSubmissions(target.postgres ? url : file, target.postgres)) - before;
        console.log(formatFigures(figures));
        if (figures.non2xx > 0) console.log(`  ! statuses: ${JSON.stringify(figures.statusCounts)}`);
        const ok = Math.max(1, figures.statusCounts["201"] ?? figures.ok);
        rows.push({ target, figures, stored, appCpuMs: appCpu / ok, dbCpuMs: dbCpu / ok, loadAverage });
        if (!bare) {
          const b = await startServerProcess({ env: {}, script: o.bareScript, ready: /bare express listening on (http:\/\/\S+)/ });
          try {
            await runLoad("warm-up", { url: b.url, connections: o.connections, seconds: o.warmup, next: echoRequests(cls.participants, "bare-warm") });
            bare = await runLoad("bare Express 5 JSON endpoint", { url: b.url, connections: o.connections, seconds: o.seconds, next: echoRequests(cls.participants, "bare-load") });
            console.log(formatFigures(bare));
          } finally {
            await b.kill("SIGTERM");
          }
        }
      } finally {
        await server.kill("SIGTERM"); // SIGTERM: the server closes and exits, so V8 writes the profile
      }
      const written = profileDir && fs.existsSync(profileDir) ? fs.readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile")) : undefined;
      if (written) printProfile(`${target.label} (--cpu-prof; its figures above include the profiler's cost)`, summarizeProfile(path.join(profileDir!, written), window));
    }
  } finally {
    cluster.stop();
  }
  printSummary(o, rows, bare!);
}

async function countSubmissions(target: string, postgres: boolean): Promise<number> {
  if (!postgres) {
    const db = new Database(target, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM Submission").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return Number((await c.query('SELECT COUNT(*) AS n FROM "Submission"')).rows[0].n);
  } finally {
    await c.end();
  }
}

function printSummary(o: ComparisonOptions, rows: Row[], bare: LoadFigures): void {
  const cores = os.cpus().length;
  console.log("\n== Summary (README, \"Several processes\")");
  console.log(`Graded submissions/s, autocannon ${o.connections} connections, ${o.seconds} s after ${o.warmup} s warm-up, ${o.students} students; one ${cores}-CPU machine runs the app processes, PostgreSQL and the load generator:\n`);
  console.log("| target | submissions/s | p50 | p99 | stored / acknowledged | app CPU per submission | PostgreSQL CPU per submission | load average (1 min) |");
  console.log("|---|---|---|---|---|---|---|---|");
  console.log(`| bare Express 5 JSON endpoint | ${bare.okPerSecond.toFixed(0)} | ${bare.p50} ms | ${bare.p99} ms | | | | |`);
  for (const r of rows) {
    const f = r.figures;
    console.log(
      `| ${r.target.label} | ${f.okPerSecond.toFixed(0)} | ${f.p50} ms | ${f.p99} ms | ${r.stored} / ${f.statusCounts["201"] ?? 0} | ${r.appCpuMs.toFixed(2)} ms | ${r.target.postgres ? `${r.dbCpuMs.toFixed(2)} ms` : "(in the app)"} | ${r.loadAverage.toFixed(2)} |`,
    );
  }
  const pgRows = rows.filter((r) => r.target.postgres);
  if (pgRows.length === 0) return;
  // The costs of the multi-worker run (what a deployment runs); capacity = cores x 1000 ms / cost.
  const ref = pgRows[pgRows.length - 1]!;
  const app = ref.appCpuMs;
  const dbCost = ref.dbCpuMs;
  console.log(`\nExpected scaling from those CPU costs (app ${app.toFixed(2)} ms, PostgreSQL ${dbCost.toFixed(2)} ms per submission), with ${cores}-core app machines and one ${cores}-core database machine, CPU-bound, before network and disk limits:\n`);
  console.log("| app machines | app capacity | database capacity | expected submissions/s |");
  console.log("|---|---|---|---|");
  const dbCap = (cores * 1000) / dbCost;
  for (const m of [1, 2, 4, 8]) {
    const appCap = (m * cores * 1000) / app;
    console.log(`| ${m} | ${appCap.toFixed(0)}/s | ${dbCap.toFixed(0)}/s | ${Math.min(appCap, dbCap).toFixed(0)}/s${appCap >= dbCap ? " (database saturated)" : ""} |`);
  }
}
