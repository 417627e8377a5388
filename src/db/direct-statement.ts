import type { Database, Statement } from "better-sqlite3";
import { sqliteConnection, type Db } from "./client";

const cache = new WeakMap<Database, Map<string, Statement>>();

/**
 * A prepared statement on the adapter's own connection (src/db/client.ts), for reads on hot paths:
 * one indexed SELECT costs a few microseconds there against ~0.5 ms of CPU through Prisma's query
 * compiler and runtime, which is what a class of 300 answering at once waits for. Undefined when
 * the connection is unreachable or a Prisma transaction is open on it (a read there would see that
 * transaction's uncommitted rows): the caller then asks Prisma, with the same meaning.
 */
export function directStatement(db: Db, sql: string): Statement | undefined {
  const connection = sqliteConnection(db);
  if (!connection || connection.inTransaction) return undefined;
  let statements = cache.get(connection);
  if (!statements) cache.set(connection, (statements = new Map()));
  let st = statements.get(sql);
  if (!st) statements.set(sql, (st = connection.prepare(sql).safeIntegers(false)));
  return st;
}

/** A DateTime column as Prisma writes it (ISO 8601 text; unixepoch-ms numbers; SQLite's UTC "YYYY-MM-DD HH:MM:SS"). */
export function sqliteDate(v: string | number): Date {
  return new Date(typeof v === "string" && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? v.replace(" ", "T") + "Z" : v);
}

export const optionalSqliteDate = (v: string | number | null): Date | null => (v === null ? null : sqliteDate(v));
