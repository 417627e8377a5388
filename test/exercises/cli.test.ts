/** `likely exercises ...` as a user runs it: the compiled bin in a child process. */
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "bin", "likely.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, "exercises", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: root, stdio: "pipe" });
}, 120_000);

test("list --json has at least 12 exercises including the six core slugs", () => {
  const r = run(["list", "--json"]);
  expect(r.status).toBe(0);
  const list = JSON.parse(r.stdout) as { slug: string; params: { name: string; default: unknown }[]; parts: { name: string }[] }[];
  expect(list.length).toBeGreaterThanOrEqual(12);
  const slugs = list.map((e) => e.slug);
  for (const s of ["bernoulli-mle", "gaussian-mle", "spherical-gaussian-mle", "gaussian-full-mle", "gmm-known-labels", "em-iteration"]) {
    expect(slugs).toContain(s);
  }
  expect(list.find((e) => e.slug === "gmm-known-labels")!.parts.map((p) => p.name)).toEqual(["weights", "means", "variances"]);
});

test("list prints a readable table", () => {
  const r = run(["list"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^SLUG\s+TOPIC/);
  expect(r.stdout).toMatch(/em-iteration\s+EM\s+n=8 d=1 k=2\s+weights\[2\] means\[2x1\] variances\[2\]/);
});

test("show --json is deterministic and has the contract's fields", () => {
  const args = ["show", "em-iteration", "--seed", "11", "--param", "n=10", "--json"];
  const a = run(args);
  expect(a.status).toBe(0);
  expect(run(args).stdout).toBe(a.stdout);
  const v = JSON.parse(a.stdout);
  expect(Object.keys(v)).toEqual(["slug", "seed", "params", "data", "key", "solution"]);
  expect(v.params).toEqual({ n: 10, d: 1, k: 2 });
  expect(v.data.x).toHaveLength(10);
  expect(Object.keys(v.key)).toEqual(["weights", "means", "variances"]);
  expect(run(["show", "em-iteration", "--seed", "12", "--json"]).stdout).not.toBe(a.stdout);
});

test.each([
  [["show", "no-such-exercise", "--json"], /unknown exercise "no-such-exercise"/],
  [["show", "gaussian-mle", "--param", "n=2", "--json"], /parameter "n" must be an integer from 3 to 500/],
  [["show", "gaussian-mle", "--param", "size=2"], /unknown parameter "size"/],
  [["show", "gaussian-mle", "--seed", "-3"], /--seed must be an integer/],
  [["check", "--seeds", "0"], /--seeds must be an integer from 1/],
  [["frobnicate"], /unknown subcommand "frobnicate"/],
])("bad input %j exits 2 with one line", (args, message) => {
  const r = run(args);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test("check ends with the pass/fail count line and exits 0", () => {
  const r = run(["check", "--seeds", "2"]);
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines[lines.length - 1]).toMatch(/^\d+ passed, 0 failed$/);
  expect(lines[lines.length - 1]).toBe(`${2 * JSON.parse(run(["list", "--json"]).stdout).length} passed, 0 failed`);
});
