/**
 * `likely solve [FILE]` as a user runs it: the compiled bin in a child process, on a file, on
 * standard input and on bad input (exit 2, one line on stderr, never a stack trace).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { solve } from "../../src/solver";
import { expectClose } from "./close";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "likely.js");
let dir: string;

beforeAll(() => {
  // Compile just the CLI (which loads the solver) and the solver's worker, with the project's options.
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
  for (const file of ["dist/src/cli/solve-command.js", "dist/src/solver/em-worker.js"]) expect(existsSync(join(ROOT, file))).toBe(true);
  dir = mkdtempSync(join(tmpdir(), "likely-solve-"));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function likely(args: string[], input?: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [BIN, "solve", ...args], { input, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 1 << 26 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const LECTURE = [2.1, 0, 3.5, -1, 1.5, 2.5, -0.5, 0.05, 1, -2, 0, 1, -2, 1.1, -0.5, -0.03];
const request = {
  task: "gmm-em",
  x: LECTURE,
  covariance: "spherical",
  init: { weights: [0.5, 0.5], means: [[-1], [2]], variances: [1, 1] },
  maxIter: 20,
  tol: 0,
  responsibilities: true,
};

test("solves a request file and prints the result JSON", () => {
  const file = join(dir, "request.json");
  writeFileSync(file, JSON.stringify(request));
  const run = likely([file]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expectClose(JSON.parse(run.stdout), solve(request));
});

test("reads standard input without FILE or with -", () => {
  const known = { task: "gmm-known-labels", x: LECTURE, labels: LECTURE.map((v) => (v > 0.75 ? 1 : 0)), k: 2 };
  for (const args of [[], ["-"]]) {
    const run = likely(args, JSON.stringify(known));
    expect(run.status).toBe(0);
    expectClose(JSON.parse(run.stdout), solve(known));
  }
});

describe("bad input: exit 2 and one line on stderr naming what is wrong", () => {
  test.each([
    ["invalid JSON", [], '{"task": "gaussian", "x": [1, 2,', /^likely solve: standard input is not valid JSON: /],
    ["unknown task", [], '{"task": "poisson", "x": [1]}', /^likely solve: task must be one of "bernoulli", /],
    ["wrong shape", [], JSON.stringify({ ...request, init: { ...request.init, means: [[-1, 0], [2, 0]] } }), /^likely solve: init\.means must be k x d = 2 x 1$/],
    ["bad value", [], '{"task": "bernoulli", "x": [0, 1, 3]}', /^likely solve: x\[2\] must be 0 or 1$/],
    ["missing file", ["/nonexistent/request.json"], undefined, /^likely solve: cannot read \/nonexistent\/request\.json: no such file$/],
    ["two files", ["a.json", "b.json"], undefined, /^likely solve: expected at most one FILE, got 2 arguments$/],
    ["nested 20,000 deep", [], `{"task": "gaussian", "x": ${"[".repeat(20_000)}1${"]".repeat(20_000)}}`, /^likely solve: request is nested too deeply: at most 32 levels/],
  ])("%s", (_name, args, input, message) => {
    const run = likely(args as string[], input as string | undefined);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message as RegExp);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

test("worker threads give the single-thread result (large request, responsibilities included)", () => {
  // 40,000 points of a 3-component mixture in 2-D, from a fixed linear congruential sequence.
  let state = 12345;
  const uniform = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const x = Array.from({ length: 40_000 }, (_, i) => {
    const c = i % 3;
    return [c * 3 + uniform() + uniform() - 1, (c === 1 ? 2 : 0) + uniform() + uniform() - 1];
  });
  const big = {
    task: "gmm-em",
    x,
    covariance: "full",
    init: { weights: [0.3, 0.3, 0.4], means: [[0, 0], [3, 1], [6, 0]], covariances: [0, 1, 2].map(() => [[1, 0], [0, 1]]) },
    maxIter: 60,
    tol: 0,
    responsibilities: true,
  };
  const file = join(dir, "big.json");
  writeFileSync(file, JSON.stringify(big));
  const threaded = likely([file], undefined, { LIKELY_SOLVER_THREADS: "2" });
  const serial = likely([file], undefined, { LIKELY_SOLVER_THREADS: "1" });
  expect([threaded.status, serial.status]).toEqual([0, 0]);
  expectClose(JSON.parse(threaded.stdout), JSON.parse(serial.stdout));
}, 60_000);
