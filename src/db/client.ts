import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database } from "better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";
import { gateTransactions } from "./transaction-gate";

export type Db = PrismaClient;

export type DbOptions = {
  url: string;
  synchronous: "FULL" | "NORMAL";
};

const SYNCHRONOUS_CODES = { NORMAL: 1, FULL: 2 } as const;

/** The file behind a `file:` URL. */
export function databaseFile(url: string): string {
  return url.replace(/^file:/, "");
}

/**
 * Opens the database with the pragmas Likely relies on and checks that they took effect:
 * WAL (readers never block the writer), a busy timeout (no SQLITE_BUSY under a burst),
 * foreign keys on, and the configured `synchronous` (FULL by default: a commit is on disk
 * before a submission is acknowledged, even across a power cut).
 */
export async function openDb(options: DbOptions): Promise<Db> {
  fs.mkdirSync(path.dirname(path.resolve(databaseFile(options.url))), { recursive: true });
  const factory = new PrismaBetterSQLite3({ url: options.url });
  let connection: Database | undefined;
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = gateTransactions(await connect());
    const client = (adapter as unknown as { client?: Partial<Database> }).client;
    connection = typeof client?.prepare === "function" && typeof client.inTransaction === "boolean" ? (client as Database) : undefined;
    return adapter;
  };
  const db = new PrismaClient({ adapter: factory });
  connections.set(db, () => connection);
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$queryRawUnsafe(`PRAGMA synchronous = ${options.synchronous}`);
  await checkPragmas(db, options);
  return db;
}

const connections = new WeakMap<Db, () => Database | undefined>();

/**
 * The better-sqlite3 connection under Prisma's adapter (the very same one, so the same pragmas and
 * no second writer), for the hot path written in SQL (src/db/submissions.ts): a Prisma interactive
 * transaction costs ~2 ms of CPU, the same statements directly ~0.1 ms. Undefined when the adapter's
 * internals differ from 6.19's; callers then use Prisma. While `inTransaction` is true a Prisma
 * transaction is open on it and direct statements would join that transaction: use Prisma then.
 */
export function sqliteConnection(db: Db): Database | undefined {
  const connection = connections.get(db)?.();
  return connection?.open ? connection : undefined;
}

async function pragma(db: Db, name: string): Promise<string> {
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
  const first = rows[0] ?? {};
  return String(Object.values(first)[0]);
}

async function checkPragmas(db: Db, options: DbOptions): Promise<void> {
  const expected: Record<string, string> = {
    journal_mode: "wal",
    busy_timeout: "5000",
    foreign_keys: "1",
    synchronous: String(SYNCHRONOUS_CODES[options.synchronous]),
  };
  for (const [name, want] of Object.entries(expected)) {
    const got = await pragma(db, name);
    if (got.toLowerCase() !== want) {
      throw new Error(`SQLite pragma ${name} is ${got}, expected ${want}; is the database on a file system that supports WAL?`);
    }
  }
}
