/**
 * Graded submissions per second through the API, against a bare Express JSON endpoint on the same
 * machine in the same run (the ratio), with p50/p99 latency, using autocannon.
 *
 * Build and run (from the repository root):
 *   npx tsc -p tsconfig.json && node dist/bench/submit-throughput.js
 *
 * Options: --connections N (32), --seconds S (10, measured), --warmup S (3), --students N (40),
 * --shape many|one|both (both), --history N (0: earlier attempts stored into the one variant before
 * the one-variant run), --sync FULL|NORMAL|both (both), --no-profile (skip the CPU profile), --no-stages (skip the
 * per-stage timing), --json, --extra "label=path/to/server.js,..." (other builds of the server,
 * e.g. an older commit's dist, measured in the same run for before/after figures).
 * --database postgres --workers N (2) [--profile]: SQLite x1, PostgreSQL x1 and PostgreSQL xN server processes
 * (LIKELY_WORKERS) on a throwaway cluster next to the bare endpoint, with CPU per submission in the
 * app and in PostgreSQL and the scaling those costs predict (bench/lib/database-comparison.ts).
 * The bare endpoint is measured twice (after the first server run and at the end); the ratio uses
 * the mean, so a machine whose load drifts during the run biases it less.
 *
 * 1. The bare app (bench/lib/bare-express.ts, one JSON POST endpoint) in a child process: warm-up,
 *    then a measured run with the same request bodies.
 * 2. The real server (node dist/src/server.js, NODE_ENV=production, fresh database, no submission
 *    rate limit) for each synchronous mode: an assignment with unlimited attempts over the six core
 *    exercises, N students each with their own token and variants; every request is a new graded
 *    attempt with a unique idempotency key (rotating over students and items). Stored rows are
 *    counted afterwards against the 201s.
 *    The one-variant shape ("one"), on its own fresh server: one student, one variant
 *    (gaussian-mle), unlimited attempts, all N connections resubmitting to it, so the variant's
 *    history grows by thousands of attempts during the run (plus --history N stored beforehand).
 *    Target: its p99 <= 50 ms and within 1.5x of the many-student p99 of the same run.
 * 3. What limits it: a CPU profile of the server under the same load (node --cpu-prof, self time by
 *    code area), and the cost of each stage of a submission timed in-process.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { projectRoot } from "../src/paths";
import { prepareClass, type BenchClass } from "./lib/api";
import { compareDatabases } from "./lib/database-comparison";
import { echoRequests, formatFigures, runLoad, submissionRequests, type LoadFigures } from "./lib/load";
import { monotonicUs, printProfile, summarizeProfile, type ProfileSummary } from "./lib/profile";
import { parseArgs } from "./lib/rng";
import { processCpuMs } from "./lib/burst";
import { startServerProcess } from "./lib/server-process";
import { formatStages, measureStages, type StageTimes } from "./lib/stages";

const PASSWORD = "bench-password-123";
/** Scratch databases of this run; removed at the end, also after a failure. */
const workDir = path.join(projectRoot, ".tmp", `bench-throughput-${process.pid}`);
const BARE_JS = path.join(projectRoot, "dist", "bench", "lib", "bare-express.js");

type Shape = "many" | "one";
type ServerRun = { build: string; shape: Shape; synchronous: "FULL" | "NORMAL"; figures: LoadFigures; stored: number; acknowledged: number; historyAtEnd: number; loadAverage: number[] };

const SHAPE_LABEL: Record<Shape, string> = { many: "many students", one: "one student, one variant" };

/** `n` earlier attempts of one variant written straight into the database file (the server has it open; WAL lets both write). */
function seedHistory(dbFile: string, variantId: number, userId: number, n: number): void {
  if (n <= 0) return;
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare(
      `WITH RECURSIVE k(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM k WHERE a < @n)
       INSERT INTO Submission (variantId, userId, attempt, raw, parsed, results, score, idempotencyKey, createdAt)
       SELECT @variantId, @userId, a + @offset, '{}', '{}', '[]', 0, NULL, '2026-01-01T00:00:00.000+00:00' FROM k`,
    ).run({ n, variantId, userId, offset: (db.prepare("SELECT COALESCE(MAX(attempt), 0) AS m FROM Submission WHERE variantId = ?").get(variantId) as { m: number }).m });
  } finally {
    db.close();
  }
}

function historyOf(dbFile: string, variantId: number): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT COALESCE(MAX(attempt), 0) AS n FROM Submission WHERE variantId = ?").get(variantId) as { n: number }).n;
  } finally {
    db.close();
  }
}

function serverEnv(dbFile: string, synchronous: "FULL" | "NORMAL"): Record<string, string> {
  return {
    NODE_ENV: "production",
    SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789",
    LIKELY_DEMO: "1",
    LIKELY_DEMO_PASSWORD: PASSWORD,
    DATABASE_URL: `file:${dbFile}`,
    LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0",
    LIKELY_SQLITE_SYNCHRONOUS: synchronous,
    LIKELY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
  };
}

function countRows(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM Submission").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    connections: "number",
    seconds: "number",
    warmup: "number",
    students: "number",
    sync: "string",
    shape: "string",
    history: "number",
    "no-profile": "boolean",
    profile: "boolean",
    "no-stages": "boolean",
    json: "boolean",
    extra: "string",
    database: "string",
    workers: "number",
  });
  const builds: { label: string; script?: string }[] = [{ label: "Likely" }];
  for (const spec of String(args.extra ?? "").split(",").filter(Boolean)) {
    const [label, script] = spec.split("=");
    if (!label || !script || !fs.existsSync(script)) throw new Error(`--extra wants label=path/to/server.js (got ${spec})`);
    builds.push({ label, script: path.resolve(script) });
  }
  const connections = Number(args.connections ?? 32);
  const seconds = Number(args.seconds ?? 10);
  const warmup = Number(args.warmup ?? 3);
  const students = Number(args.students ?? 40);
  const sync = String(args.sync ?? "both").toUpperCase();
  const shapeArg = String(args.shape ?? "both");
  if (!["many", "one", "both"].includes(shapeArg)) throw new Error("--shape must be many, one or both");
  const shapes: Shape[] = shapeArg === "both" ? ["many", "one"] : [shapeArg as Shape];
  const history = Number(args.history ?? 0);
  if (!Number.isInteger(history) || history < 0) throw new Error("--history must be a whole number >= 0");
  const modes: ("FULL" | "NORMAL")[] = sync === "BOTH" ? ["FULL", "NORMAL"] : [sync as "FULL" | "NORMAL"];
  if (!modes.every((m) => m === "FULL" || m === "NORMAL")) throw new Error("--sync must be FULL, NORMAL or both");
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const database = String(args.database ?? "sqlite").toLowerCase();
  if (!["sqlite", "postgres", "postgresql"].includes(database)) throw new Error("--database must be sqlite or postgres");
  if (database !== "sqlite") {
    const workers = Number(args.workers ?? 2);
    if (!Number.isInteger(workers) || workers < 1) throw new Error("--workers must be a whole number >= 1");
    console.log(`Submission throughput by database: ${connections} connections, ${warmup} s warm-up + ${seconds} s measured, ${students} students x 6 exercises`);
    console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "CPU"}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
    await compareDatabases({ connections, seconds, warmup, students, workers, password: PASSWORD, workDir, bareScript: BARE_JS, profile: !!args.profile });
    fs.rmSync(workDir, { recursive: true, force: true });
    return;
  }
  console.log(`Submission throughput: ${connections} connections, ${warmup} s warm-up + ${seconds} s measured; shapes: ${shapes.map((s) => (s === "many" ? `${students} students x 6 exercises` : `one student on one variant${history ? ` with ${history} earlier attempts` : ""}`)).join(", ")}`);
  console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "CPU"}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);

  // The class is prepared once per server run; the bare endpoint gets the same bodies.
  const runs: ServerRun[] = [];
  const bares: LoadFigures[] = [];
  let cls: BenchClass | undefined;
  let lastDb = "";
  let stagesCls: BenchClass | undefined;
  const measureBare = async (label: string) => {
    const bareServer = await startServerProcess({ env: {}, script: BARE_JS, ready: /bare express listening on (http:\/\/\S+)/ });
    try {
      await runLoad("warm-up", { url: bareServer.url, connections, seconds: warmup, next: echoRequests(cls!.participants, "bare-warm") });
      const bare = await runLoad(label, { url: bareServer.url, connections, seconds, next: echoRequests(cls!.participants, "bare-load") });
      bares.push(bare);
      console.log(formatFigures(bare));
    } finally {
      await bareServer.kill("SIGTERM");
    }
  };
  for (const synchronous of modes) for (const build of builds) for (const shape of shapes) {
    const dbFile = path.join(workDir, `throughput-${build.label}-${shape}-${synchronous.toLowerCase()}.db`);
    const server = await startServerProcess({ env: serverEnv(dbFile, synchronous), script: build.script });
    let historyAtEnd = 0;
    try {
      const prepared = shape === "many" ? await prepareClass(server.url, { password: PASSWORD, students }) : await prepareClass(server.url, { password: PASSWORD, students: 1, exercises: ["gaussian-mle"], prefix: "one" });
      if (shape === "many" || !cls) cls = prepared;
      for (const e of prepared.excluded) console.log(`  ! left out variant ${e.variantId} (${e.exercise}): submitting its own key answered ${e.status}: ${e.error}`);
      const one = prepared.participants[0]!;
      if (shape === "one") seedHistory(dbFile, one.variantId, one.userId, history);
      await runLoad("warm-up", { url: server.url, connections, seconds: warmup, next: submissionRequests(prepared.participants, `warm-${synchronous}`) });
      const before = countRows(dbFile);
      const loadAverage = os.loadavg();
      const cpuBefore = processCpuMs(server.pid);
      const figures = await runLoad(`${build.label}, ${SHAPE_LABEL[shape]}, synchronous=${synchronous}`, {
        url: server.url,
        connections,
        seconds,
        next: submissionRequests(prepared.participants, `load-${synchronous}`),
      });
      const cpuAfter = processCpuMs(server.pid);
      const stored = countRows(dbFile) - before;
      if (shape === "one") historyAtEnd = historyOf(dbFile, one.variantId);
      runs.push({ build: build.label, shape, synchronous, figures, stored, acknowledged: figures.statusCounts["201"] ?? 0, historyAtEnd, loadAverage });
      console.log(formatFigures(figures));
      // CPU time per answered request moves much less with a shared machine's load than rates and latencies.
      if (cpuBefore !== null && cpuAfter !== null && figures.statusCounts["201"]) console.log(`  server CPU ${Math.round(((cpuAfter - cpuBefore) * 1000) / figures.statusCounts["201"])} us per graded submission (${cpuAfter - cpuBefore} ms for ${figures.statusCounts["201"]})`);
      const extra = stored - (figures.statusCounts["201"] ?? 0);
      // Requests in flight when autocannon stops are stored but not counted: at most one per
      // connection at the end of the warm-up (committed after `before` was read) and of the run.
      if (extra < 0 || extra > 2 * connections) console.log(`  ! ${stored} rows stored for ${figures.statusCounts["201"] ?? 0} answers 201`);
      if (figures.non2xx > 0) console.log(`  ! statuses: ${JSON.stringify(figures.statusCounts)}`);
    } finally {
      await server.kill("SIGTERM");
    }
    if (build.label === "Likely" && shape === "many") {
      lastDb = dbFile;
      stagesCls = cls;
    }
    if (bares.length === 0) await measureBare("bare Express 5 JSON endpoint (1)");
  }
  if (!cls) throw new Error("no server run");
  await measureBare("bare Express 5 JSON endpoint (2)");
  const mean = (f: (b: LoadFigures) => number) => bares.reduce((a, b) => a + f(b), 0) / bares.length;
  const bareRate = mean((b) => b.okPerSecond);

  let profile: ProfileSummary | undefined;
  if (!args["no-profile"]) {
    const profDir = path.join(workDir, "profile");
    const dbFile = path.join(workDir, "throughput-profile.db");
    const server = await startServerProcess({ env: serverEnv(dbFile, "FULL"), nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
    let window: [number, number] | undefined;
    try {
      const pcls = await prepareClass(server.url, { password: PASSWORD, students });
      await runLoad("warm-up", { url: server.url, connections, seconds: warmup, next: submissionRequests(pcls.participants, "profile-warm") });
      const from = monotonicUs();
      const figures = await runLoad("profiled (FULL, --cpu-prof)", { url: server.url, connections, seconds, next: submissionRequests(pcls.participants, "profile-load") });
      window = [from, monotonicUs()];
      console.log(formatFigures(figures));
      if (figures.non2xx > 0) console.log(`  ! statuses: ${JSON.stringify(figures.statusCounts)}`);
    } finally {
      await server.kill("SIGTERM"); // SIGTERM: the server closes and exits, so V8 writes the profile
    }
    const file = fs.readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      profile = summarizeProfile(path.join(profDir, file), window);
      printProfile("the server during the measured run", profile);
    } else console.log("  ! no CPU profile was written");
  }

  const stages: StageTimes[] = [];
  if (!args["no-stages"] && lastDb) {
    console.log("");
    for (const synchronous of modes) {
      const s = await measureStages(lastDb, stagesCls!.participants, synchronous);
      stages.push(s);
      console.log(formatStages(s));
    }
  }

  console.log("\n== Summary (README)");
  console.log(`Graded submissions through POST /api/v1/variants/:id/submissions vs a bare Express 5 JSON endpoint, autocannon, ${connections} connections, ${seconds} s after ${warmup} s warm-up, same machine and run (${os.cpus().length} CPUs, node ${process.version}):`);
  console.log("");
  console.log("| target | req/s | p50 | p99 | non-2xx | ratio to bare | load average (1 min) |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(`| bare Express 5 JSON endpoint (mean of ${bares.map((b) => b.okPerSecond.toFixed(0)).join(" and ")}) | ${bareRate.toFixed(0)} | ${mean((b) => b.p50).toFixed(0)} ms | ${mean((b) => b.p99).toFixed(0)} ms | ${mean((b) => b.non2xx + b.errors)} | 1 | |`);
  for (const r of runs) {
    const f = r.figures;
    const ratio = f.okPerSecond / bareRate;
    let verdict = ratio >= 0.2 && f.p99 < 100 ? "meets ratio >= 0.2 and p99 < 100 ms" : "misses ratio >= 0.2 / p99 < 100 ms";
    const many = runs.find((m) => m.shape === "many" && m.build === r.build && m.synchronous === r.synchronous);
    if (r.shape === "one") {
      const vsMany = many ? f.p99 / many.figures.p99 : NaN;
      verdict = `${r.historyAtEnd} attempts on the variant at the end; p99 ${f.p99 <= 50 ? "<=" : ">"} 50 ms, ${Number.isFinite(vsMany) ? `${vsMany.toFixed(2)}x the many-student p99 (${vsMany <= 1.5 ? "within" : "NOT within"} 1.5x)` : "no many-student run to compare"}`;
    }
    console.log(`| ${r.build}, ${SHAPE_LABEL[r.shape]}, synchronous=${r.synchronous} | ${f.okPerSecond.toFixed(0)} | ${f.p50} ms | ${f.p99} ms | ${f.non2xx + f.errors} | ${ratio.toFixed(2)} (${verdict}) | ${r.loadAverage[0]!.toFixed(2)} |`);
  }
  if (args.json) console.log(JSON.stringify({ bares, runs, profile, stages }, null, 2));
  fs.rmSync(workDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`submit-throughput: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    fs.rmSync(workDir, { recursive: true, force: true });
    process.exit(1);
  },
);
