import { ConfigError, loadDatabaseUrl } from "../config";
import type { Db } from "../db/client";
import { UsageError } from "./usage-error";

/** DATABASE_URL for a command, a bad value being a usage error (one line, exit 2). */
export function commandDatabaseUrl(): string {
  try {
    return loadDatabaseUrl();
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Runs `fn` on the database at DATABASE_URL, migrated first (so the first admin can be created
 * before the server ever started), and closes it.
 */
export async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const url = commandDatabaseUrl();
  const { migrateDeploy } = await import("../db/migrate");
  const { openDb } = await import("../db/client");
  await migrateDeploy(url);
  const db = await openDb({ url, synchronous: "FULL" });
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}
