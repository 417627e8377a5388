/**
 * Crash safety of graded submissions: bursts against the real server process, SIGKILL at random
 * moments, restart on the same database; every submission acknowledged with a 201 must still be
 * there (same id, idempotency key and answers) and the integrity check must say "ok".
 *
 * Build and run (from the repository root):
 *   npx tsc -p tsconfig.json && node dist/bench/crash-trials.js [--trials 200] [--sync FULL|NORMAL|both]
 *   node dist/bench/crash-trials.js --database postgres [--trials 200]
 *   node dist/bench/crash-trials.js --negative-control [--trials 20] [--database postgres]
 *
 * --database postgres starts a throwaway PostgreSQL cluster (Debian's server binaries, fsync on,
 * scripts/postgres-cluster.js) unless --database-url postgresql://... names a database to use
 * (it must be empty or only migrated; the trials add to it).
 *
 * Options: --concurrency N (submissions in flight, default 32), --max-delay MS (kill moment drawn
 * uniformly from --min-delay..--max-delay after the burst starts; 0..150, 0..10 for the negative
 * control), --students N (8),
 * --warmup N (submissions after each restart before the burst, checked like the rest; 32),
 * --seed S (repeat a run), --verbose (a line per trial), --json (the reports as JSON at the end).
 *
 * Exit status: 0 when no acknowledged submission was lost and every integrity check passed; 1
 * otherwise. With --negative-control (the server acknowledges before commit,
 * LIKELY_UNSAFE_ACK_BEFORE_COMMIT=1) it is the other way round: 0 only when the harness caught a
 * loss, which shows that it can fail.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDeploy } from "../src/db/migrate";
import { projectRoot } from "../src/paths";
import { crashRunPassed, formatCrashReport, runCrashTrials, type CrashReport } from "./lib/crash";
import { parseArgs } from "./lib/rng";

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), {
    trials: "number",
    sync: "string",
    "negative-control": "boolean",
    concurrency: "number",
    "min-delay": "number",
    "max-delay": "number",
    students: "number",
    warmup: "number",
    seed: "number",
    verbose: "boolean",
    json: "boolean",
    database: "string",
    "database-url": "string",
  });
  const database = String(args.database ?? (args["database-url"] ? "postgres" : "sqlite")).toLowerCase();
  if (!["sqlite", "postgres", "postgresql"].includes(database)) throw new Error("--database must be sqlite or postgres");
  const postgres = database !== "sqlite";
  const negative = args["negative-control"] === true;
  const sync = String(args.sync ?? (negative ? "FULL" : "both")).toUpperCase();
  if (!["FULL", "NORMAL", "BOTH"].includes(sync)) throw new Error("--sync must be FULL, NORMAL or both");
  // On PostgreSQL durability is the server's (synchronous_commit on): one mode.
  const modes: ("FULL" | "NORMAL")[] = postgres ? ["FULL"] : sync === "BOTH" ? ["FULL", "NORMAL"] : [sync as "FULL" | "NORMAL"];
  const trials = Number(args.trials ?? (negative ? 20 : 200));
  const workDir = path.join(projectRoot, ".tmp", `bench-crash-${process.pid}`);
  const label = (synchronous: string) => (postgres ? "PostgreSQL" : `synchronous=${synchronous}`);
  console.log(`Crash trials: ${trials} per mode, ${postgres ? "PostgreSQL" : modes.join(" and ")}${negative ? ", negative control" : ""}; node ${process.version}, ${os.cpus().length} CPUs`);

  const reports: CrashReport[] = [];
  let cluster: { url: string; stop(): void } | undefined;
  try {
    let databaseUrl = args["database-url"] as string | undefined;
    if (postgres && !databaseUrl) {
      // Plain JavaScript shared with the tests; required by path so it works from dist/ too.
      const { startCluster, databaseUrl: urlOf } = require(path.join(projectRoot, "scripts", "postgres-cluster.js")) as typeof import("../scripts/postgres-cluster");
      cluster = await startCluster({ durable: true });
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE "likely_crash"`);
      await admin.end();
      databaseUrl = urlOf(cluster.url, "likely_crash");
      await migrateDeploy(databaseUrl); // before the first start, as an operator's deploy would
      console.log(`PostgreSQL: a throwaway cluster (fsync on) at ${cluster.url}`);
    }
    for (const synchronous of modes) {
      console.log(`\n== ${label(synchronous)}${negative ? " (negative control)" : ""}`);
      const report = await runCrashTrials({
        trials,
        synchronous,
        databaseUrl,
        negativeControl: negative,
        concurrency: args.concurrency as number | undefined,
        minDelayMs: args["min-delay"] as number | undefined,
        // The control's loss is the warm-up's last 201, whose commit is held back HOLD_MS: kill just after it.
        maxDelayMs: (args["max-delay"] as number | undefined) ?? (negative ? 10 : undefined),
        students: args.students as number | undefined,
        warmup: args.warmup as number | undefined,
        seed: args.seed as number | undefined,
        workDir,
        verbose: args.verbose === true,
        log: (line) => console.log(line),
      });
      reports.push(report);
      console.log(formatCrashReport(report));
      for (const p of report.problems.slice(0, negative ? 5 : 20)) console.log(`  ! ${p}`);
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
    cluster?.stop();
  }

  console.log("\n== Summary");
  console.log("| mode | trials | acknowledged | lost | integrity failures | inconsistencies | verdict |");
  console.log("|---|---|---|---|---|---|---|");
  let ok = true;
  for (const r of reports) {
    const passed = crashRunPassed(r);
    const verdict = negative ? (r.lost > 0 ? "loss caught (control works)" : "NO LOSS SEEN: harness failed to catch it") : passed ? "pass" : "FAIL";
    if (negative ? !(r.lost > 0) : !passed) ok = false;
    console.log(`| ${label(r.synchronous)}${negative ? " + ack before commit" : ""} | ${r.trials} | ${r.acknowledged} | ${r.lost} | ${r.integrityFailures} | ${r.inconsistencies} | ${verdict} |`);
  }
  if (args.json) console.log(JSON.stringify(reports, null, 2));
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`crash-trials: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
