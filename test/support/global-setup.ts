import fs from "node:fs";
import path from "node:path";
import { migrateDeploy } from "../../src/db/migrate";
import { ROOT } from "./paths";
import { databaseUrl, postgresUnavailableReason, startCluster } from "./postgres-cluster";

export const PG_TEMPLATE = "likely_template";

/**
 * Runs once before all suites: a scratch folder for this run (workers inherit its path) holding
 * one migrated template database that each suite copies instead of migrating again; and, when
 * PostgreSQL's server binaries are here, a throwaway cluster with a migrated template database
 * that each PostgreSQL suite clones with CREATE DATABASE ... TEMPLATE (test/support/test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const base = path.join(ROOT, ".tmp");
  fs.mkdirSync(base, { recursive: true });
  for (const f of fs.readdirSync(base)) {
    const p = path.join(base, f);
    if (f.startsWith("run-") && Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(base, "run-"));
  process.env.LIKELY_TEST_TMP = dir;
  const sqlite = migrateDeploy(`file:${path.join(dir, "template.db")}`);
  if (process.env.LIKELY_TEST_POSTGRES_PROJECT === "1" && postgresUnavailableReason() === null) {
    const cluster = await startCluster();
    (globalThis as { likelyPgCluster?: { stop(): void } }).likelyPgCluster = cluster;
    process.env.LIKELY_TEST_PG_URL = cluster.url;
    const { Client } = await import("pg");
    const admin = new Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${PG_TEMPLATE}"`);
    await admin.end();
    await migrateDeploy(databaseUrl(cluster.url, PG_TEMPLATE));
  }
  await sqlite;
}
