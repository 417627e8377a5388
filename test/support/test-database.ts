import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { TEMPLATE_DB, TMP_DIR } from "./paths";
import { databaseUrl } from "./postgres-cluster";

/** True in the `postgres` Jest project (test/support/on-postgres.js): suites get PostgreSQL databases. */
export const onPostgres = process.env.LIKELY_TEST_DATABASE === "postgres";

export type TestDatabase = {
  /** DATABASE_URL of this database (file: or postgresql:). */
  url: string;
  /** The SQLite file, or undefined on PostgreSQL. */
  file?: string;
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database for one suite or server: a copy of the SQLite template file, or on
 * PostgreSQL a clone of the template database migrated once by global-setup (CREATE DATABASE ...
 * TEMPLATE takes ~50 ms; migrating takes seconds). `empty`: no tables at all (a first start must migrate).
 */
export async function createTestDatabase(label = "suite", options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const id = `${label}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  if (!onPostgres) {
    const file = path.join(TMP_DIR, `${id}.db`);
    if (!options.empty) fs.copyFileSync(TEMPLATE_DB, file);
    return {
      url: `file:${file}`,
      file,
      async drop() {
        for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
      },
    };
  }
  const cluster = process.env.LIKELY_TEST_PG_URL;
  if (!cluster) throw new Error("LIKELY_TEST_DATABASE=postgres but no cluster: global-setup starts one when LIKELY_TEST_POSTGRES_PROJECT=1 (jest.config.js)");
  const name = id.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  await admin(cluster, `CREATE DATABASE "${name}" TEMPLATE "${options.empty ? "template0" : "likely_template"}"`);
  return {
    url: databaseUrl(cluster, name),
    async drop() {
      await admin(cluster, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
