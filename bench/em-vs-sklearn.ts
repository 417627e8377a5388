/**
 * EM speed of `likely solve` against scikit-learn's GaussianMixture, whole process against whole process.
 *
 * Build and run (from the repository root):
 *   npx tsc -p tsconfig.json && node dist/bench/em-vs-sklearn.js [--repeat N] [--skip-million]
 *
 * For each shape it writes one gmm-em request (deterministic data from a seeded generator, a stated
 * init, tol 0) to a temporary file and times, R times each, the processes
 *   node bin/likely.js solve req.json            and   /usr/bin/python3 bench/em_sklearn.py req.json
 * with maxIter = 30 and with maxIter = 1. It prints the best whole-process time of each, the cost of
 * one iteration as (T(30) - T(1)) / 29 (start-up, imports and JSON parsing cancel out), scikit-learn's
 * own fit() time per iteration, the ratios sklearn / likely, and checks that both reach the same
 * log-likelihood; with /usr/bin/time also CPU time per iteration (all threads, less sensitive to a busy
 * machine than wall time) and peak memory (max RSS).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../src/solver/random";

const ROOT = join(__dirname, "..", "..");
const LIKELY = join(ROOT, "bin", "likely.js");
const SKLEARN = join(ROOT, "bench", "em_sklearn.py");
const PYTHON = "/usr/bin/python3";
const TIME = "/usr/bin/time";
const ITERATIONS = 30;

type Shape = { n: number; d: number; k: number; covariance: "spherical" | "diag" | "full" };
const SHAPES: Shape[] = [
  { n: 100_000, d: 2, k: 3, covariance: "spherical" },
  { n: 100_000, d: 2, k: 3, covariance: "full" },
  { n: 100_000, d: 10, k: 8, covariance: "full" },
];
const MILLION: Shape = { n: 1_000_000, d: 2, k: 3, covariance: "spherical" };

/** A gmm-em request: n points from a k-component mixture with unit-ish spreads, init near (not at) the truth. */
function makeRequest(shape: Shape, maxIter: number): Record<string, unknown> {
  const { n, d, k, covariance } = shape;
  const rng = createRng(20240601 + n + 31 * d + 7 * k);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal(0, 4)));
  const x = Array.from({ length: n }, () => {
    const c = centers[rng.int(0, k - 1)];
    return c.map((m) => Math.round((m + rng.normal(0, 1)) * 1e4) / 1e4);
  });
  const init: Record<string, unknown> = {
    weights: Array.from({ length: k }, () => 1 / k),
    means: centers.map((c) => c.map((m) => m + rng.normal(0, 1))),
  };
  if (covariance === "full") init.covariances = centers.map(() => Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 2 : 0))));
  else if (covariance === "diag") init.variances = centers.map(() => Array.from({ length: d }, () => 2));
  else init.variances = centers.map(() => 2);
  return { task: "gmm-em", x, covariance, init, maxIter, tol: 0 };
}

type Run = { ms: number; cpuMs: number | null; maxRssMb: number | null; stdout: string };

/** Runs a whole process; wall time measured here, CPU time (all threads) and peak memory by /usr/bin/time when present. */
function timeProcess(command: string, args: string[]): Run {
  const timed = existsSync(TIME);
  const start = process.hrtime.bigint();
  const run = spawnSync(timed ? TIME : command, timed ? ["-f", "maxrss=%M cpu=%U+%S", command, ...args] : args, { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  const rss = /maxrss=(\d+)/.exec(run.stderr ?? "");
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(run.stderr ?? "");
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1e3 : null, maxRssMb: rss ? Number(rss[1]) / 1024 : null, stdout: run.stdout };
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function benchShape(shape: Shape, repeat: number, dir: string): void {
  const label = `n=${shape.n.toLocaleString("en")} d=${shape.d} k=${shape.k} ${shape.covariance}`;
  const files = [1, ITERATIONS].map((maxIter) => {
    const file = join(dir, `req-${shape.n}-${shape.d}-${shape.k}-${shape.covariance}-${maxIter}.json`);
    writeFileSync(file, JSON.stringify(makeRequest(shape, maxIter)));
    return file;
  });
  const likely: Run[][] = [[], []];
  const sklearn: Run[][] = [[], []];
  for (let r = 0; r < repeat; r++) {
    files.forEach((file, i) => {
      likely[i].push(timeProcess(process.execPath, [LIKELY, "solve", file]));
      sklearn[i].push(timeProcess(PYTHON, [SKLEARN, file]));
    });
  }
  const [l1, l30] = likely.map(best);
  const [s1, s30] = sklearn.map(best);
  const perIter = (one: Run, thirty: Run) => Math.max(thirty.ms - one.ms, 0) / (ITERATIONS - 1);
  const lIter = perIter(l1, l30);
  const sIter = perIter(s1, s30);
  const sFit = Math.min(...sklearn[1].map((run) => JSON.parse(run.stdout).fitMs as number)) / ITERATIONS;
  const lResult = JSON.parse(l30.stdout) as { logLikelihood: number; iterations: number };
  const sResult = JSON.parse(s30.stdout) as { logLikelihood: number; iterations: number };
  const agreement = Math.abs(lResult.logLikelihood - sResult.logLikelihood) / Math.abs(sResult.logLikelihood);
  console.log(`\n${label}`);
  console.log(`  whole process, ${ITERATIONS} iterations: likely ${fmt(l30.ms)} ms, sklearn ${fmt(s30.ms)} ms  -> sklearn/likely ${(s30.ms / l30.ms).toFixed(2)}x`);
  console.log(`  per iteration, (T30 - T1)/29:        likely ${fmt(lIter)} ms, sklearn ${fmt(sIter)} ms  -> sklearn/likely ${(sIter / lIter).toFixed(2)}x`);
  console.log(`  sklearn fit() alone: ${fmt(sFit)} ms/iteration  -> vs likely per iteration ${(sFit / lIter).toFixed(2)}x`);
  const cpu = (runs: Run[]) => Math.min(...runs.map((run) => run.cpuMs ?? Number.NaN));
  const lCpu = (cpu(likely[1]) - cpu(likely[0])) / (ITERATIONS - 1);
  const sCpu = (cpu(sklearn[1]) - cpu(sklearn[0])) / (ITERATIONS - 1);
  if (Number.isFinite(lCpu)) {
    console.log(`  CPU time per iteration (all threads): likely ${fmt(lCpu)} ms, sklearn ${fmt(sCpu)} ms  -> sklearn/likely ${(sCpu / lCpu).toFixed(2)}x`);
  }
  if (l30.maxRssMb !== null && s30.maxRssMb !== null) console.log(`  peak memory (max RSS): likely ${l30.maxRssMb.toFixed(0)} MB, sklearn ${s30.maxRssMb.toFixed(0)} MB`);
  console.log(`  same result: iterations ${lResult.iterations}/${sResult.iterations}, log-likelihood rel. diff ${agreement.toExponential(1)}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const repeatAt = args.indexOf("--repeat");
  const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 3;
  const dir = mkdtempSync(join(tmpdir(), "likely-em-bench-"));
  console.log(`EM: likely solve vs scikit-learn GaussianMixture, ${ITERATIONS} iterations, tol 0; best of ${repeat} runs`);
  console.log(`node ${process.version}; load average ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
  try {
    for (const shape of SHAPES) benchShape(shape, repeat, dir);
    if (!args.includes("--skip-million")) benchShape(MILLION, 1, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
