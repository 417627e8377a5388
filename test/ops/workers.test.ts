/** LIKELY_WORKERS: several server processes are for PostgreSQL; on SQLite the server refuses them. */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { ROOT, TMP_DIR } from "../support/paths";
import { createTestDatabase, onPostgres } from "../support/test-database";

const SERVER_JS = path.join(ROOT, "dist", "src", "server.js");

function readPpid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

test("LIKELY_WORKERS: 1 by default, a whole number from 1 to 64, more than 1 refused on SQLite", () => {
  expect(loadConfig({ NODE_ENV: "test" }).workers).toBe(1);
  expect(loadConfig({ NODE_ENV: "test", LIKELY_WORKERS: "1" }).workers).toBe(1);
  for (const bad of ["0", "1.5", "many", "65"]) expect(() => loadConfig({ NODE_ENV: "test", LIKELY_WORKERS: bad })).toThrow(/LIKELY_WORKERS must be a whole number/);
  expect(() => loadConfig({ NODE_ENV: "test", LIKELY_WORKERS: "2", DATABASE_URL: "file:/tmp/x.db" })).toThrow(ConfigError);
});

test("the server started with LIKELY_WORKERS=2 on SQLite exits 2 with one line saying why, no stack", () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", DATABASE_URL: `file:${path.join(TMP_DIR, "workers-refused.db")}`, LIKELY_WORKERS: "2" };
  const run = spawnSync(process.execPath, [SERVER_JS], { cwd: ROOT, env, encoding: "utf8", timeout: 20_000 });
  expect(run.status).toBe(2);
  expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^likely: configuration error: LIKELY_WORKERS=2 needs PostgreSQL \(DATABASE_URL=postgresql:\/\/\.\.\.\)/)]);
  expect(run.stdout).toBe("");
});

// PostgreSQL: a primary and two workers serve one port; SIGTERM stops them all.
(onPostgres ? test : test.skip)("LIKELY_WORKERS=2 on PostgreSQL: both workers serve, the primary says so once, SIGTERM stops everything (exit 0)", async () => {
  const database = await createTestDatabase("workers");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", DATABASE_URL: database.url, LIKELY_WORKERS: "2", LIKELY_DEMO: "0" };
  const child = spawn(process.execPath, [SERVER_JS], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /Likely is listening on (http:\/\/\S+) \(2 workers\)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!.replace("localhost", "127.0.0.1"));
        }
      }, 50);
      child.once("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${out}`));
      });
    });
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${url}/healthz`)).status));
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(out.match(/Likely is listening/g)).toHaveLength(1);
    const workers = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d) && readPpid(Number(d)) === child.pid);
    expect(workers).toHaveLength(2);
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await database.drop();
  }
}, 90_000);
