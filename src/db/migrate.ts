import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../paths";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseFile, isPostgresUrl, type Dialect } from "./client";

/** Names of the committed migrations (folders under prisma/migrations, or prisma/postgresql/migrations). */
export function committedMigrations(dialect: Dialect = "sqlite"): string[] {
  const dir = dialect === "postgresql" ? path.join(projectRoot, "prisma", "postgresql", "migrations") : path.join(projectRoot, "prisma", "migrations");
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
}

const APPLIED_SQL = `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

/** isCurrent for PostgreSQL: one short connection (a missing table or database means "migrate"). */
async function isPostgresCurrent(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ migration_name: string }>(APPLIED_SQL);
    const applied = new Set(rows.map((r) => r.migration_name));
    return committedMigrations("postgresql").every((m) => applied.has(m));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when every committed migration is recorded as finished: start-up can skip the migrate process. */
function isCurrent(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(APPLIED_SQL).all() as { migration_name: string }[];
    const applied = new Set(rows.map((r) => r.migration_name));
    return committedMigrations().every((m) => applied.has(m));
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/**
 * Applies committed migrations with `prisma migrate deploy` (the offline JS schema engine, see
 * prisma.config.ts). Idempotent; resolves once the schema is current. A database that already
 * has every migration skips the ~1.5 s Prisma process.
 */
export async function migrateDeploy(url: string): Promise<void> {
  if (isPostgresUrl(url)) {
    if (await isPostgresCurrent(url)) return;
  } else {
    const file = path.resolve(databaseFile(url));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (isCurrent(file)) return;
  }
  const cli = require.resolve("prisma/build/index.js", { paths: [projectRoot] });
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (b: Buffer) => output.push(b));
    child.stderr.on("data", (b: Buffer) => output.push(b));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    const text = Buffer.concat(output).toString("utf8");
    const line = text.split("\n").find((l) => /error|P\d{4}/i.test(l)) ?? text.trim().split("\n").pop();
    throw new Error(`database migration failed: ${line ?? "exit " + code}`);
  }
}
