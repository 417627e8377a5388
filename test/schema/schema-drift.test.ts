/**
 * One schema, two providers: prisma/schema.prisma (SQLite) is the only schema anyone edits;
 * prisma/postgresql/schema.prisma is derived from it (scripts/derive-postgres-schema.js), and each
 * provider's migration history must produce its schema exactly (`prisma migrate diff --exit-code`).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, TMP_DIR } from "../support/paths";
import { databaseUrl } from "../support/postgres-cluster";

const SCRIPT = path.join(ROOT, "scripts", "derive-postgres-schema.js");
const pgCluster = process.env.LIKELY_TEST_PG_URL;

/** `prisma migrate diff` from a migration folder to a schema; resolves to its exit code (0 same, 2 different). */
function migrateDiff(url: string, migrations: string, schema: string): Promise<{ code: number | null; output: string }> {
  const cli = path.join(ROOT, "node_modules", "prisma", "build", "index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "diff", "--from-migrations", migrations, "--to-schema-datamodel", schema, "--exit-code"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b));
    child.stderr.on("data", (b: Buffer) => (output += b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A copy of the schema with one more column on User, in a scratch folder. */
function driftedCopy(schemaFile: string, name: string): string {
  const dir = path.join(TMP_DIR, `drift-${process.pid}-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  const text = fs.readFileSync(schemaFile, "utf8").replace(/model User \{\n/, "model User {\n  plantedDrift String?\n");
  fs.writeFileSync(path.join(dir, "schema.prisma"), text);
  return path.join(dir, "schema.prisma");
}

test("the committed PostgreSQL schema is what the script derives from the SQLite schema", () => {
  const r = spawnSync(process.execPath, [SCRIPT, "--check"], { cwd: ROOT, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const { derive } = require(SCRIPT) as { derive(source: string): string };
  const derived = derive(fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8"));
  expect(derived).toContain('provider = "postgresql"');
  expect(derived).toContain('output       = "../../src/generated/prisma-pg"');
});

test("--check fails with a message when the derived schema drifts from the source", () => {
  const root = path.join(TMP_DIR, `derive-${process.pid}`);
  fs.mkdirSync(path.join(root, "scripts"), { recursive: true });
  fs.mkdirSync(path.join(root, "prisma", "postgresql"), { recursive: true });
  fs.copyFileSync(SCRIPT, path.join(root, "scripts", "derive-postgres-schema.js"));
  fs.copyFileSync(path.join(ROOT, "prisma", "postgresql", "schema.prisma"), path.join(root, "prisma", "postgresql", "schema.prisma"));
  fs.writeFileSync(path.join(root, "prisma", "schema.prisma"), fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8").replace(/model User \{\n/, "model User {\n  plantedDrift String?\n"));
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "derive-postgres-schema.js"), "--check"], { encoding: "utf8" });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/prisma\/postgresql\/schema\.prisma is out of date with prisma\/schema\.prisma/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("the SQLite migrations produce prisma/schema.prisma", async () => {
  const url = `file:${path.join(TMP_DIR, `drift-${process.pid}.db`)}`;
  const same = await migrateDiff(url, "prisma/migrations", "prisma/schema.prisma");
  expect(same).toMatchObject({ code: 0 });
}, 60_000);

const pgTest = pgCluster ? test : test.skip;

pgTest("the PostgreSQL migrations produce prisma/postgresql/schema.prisma, and a schema change without its migration is caught", async () => {
  const url = databaseUrl(pgCluster!, "postgres");
  const same = await migrateDiff(url, "prisma/postgresql/migrations", "prisma/postgresql/schema.prisma");
  expect(same).toMatchObject({ code: 0 });
  const drifted = await migrateDiff(url, "prisma/postgresql/migrations", driftedCopy(path.join(ROOT, "prisma", "postgresql", "schema.prisma"), "pg"));
  expect(drifted.code).toBe(2);
  expect(drifted.output).toMatch(/plantedDrift/);
}, 90_000);
