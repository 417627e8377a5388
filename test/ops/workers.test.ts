/** LIKELY_WORKERS: several server processes are for PostgreSQL; on SQLite the server refuses them. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { ROOT, TMP_DIR } from "../support/paths";

const SERVER_JS = path.join(ROOT, "dist", "src", "server.js");

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
