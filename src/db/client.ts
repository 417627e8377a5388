import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Database } from "better-sqlite3";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { PrismaClient as PostgresClient } from "../generated/prisma-pg/client";
import { gateTransactions } from "./transaction-gate";

export type Db = PrismaClient;

export type DbOptions = {
  url: string;
  synchronous: "FULL" | "NORMAL";
};

const SYNCHRONOUS_CODES = { NORMAL: 1, FULL: 2 } as const;

export type Dialect = "sqlite" | "postgresql";

/** `postgresql://` and `postgres://` URLs select PostgreSQL; `file:` URLs SQLite. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:/i.test(url);
}

const dialects = new WeakMap<Db, Dialect>();
const postgresUrls = new WeakMap<Db, string>();

/**
 * Which database a client opened by openDb talks to (raw SQL that cannot be written once asks).
 * A wrapper of the client (a Proxy, e.g. src/testing/ack-before-commit.ts) or a transaction client
 * is not the key in the map: Prisma's own `_activeProvider` of the client answers then.
 */
export function dialectOf(db: Pick<Db, "$executeRaw">): Dialect {
  const known = dialects.get(db as Db);
  if (known) return known;
  return (db as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";
}

/** The URL a PostgreSQL client was opened with (the notify bus opens its own LISTEN connection with it). */
export function postgresUrlOf(db: Db): string | undefined {
  return postgresUrls.get(db);
}

/**
 * Can several server processes share this database? Only PostgreSQL: SQLite is served by one
 * process (its group commit and attempt-limit queue live there), so per-process state is exact.
 */
export function sharedByProcesses(db: Db): boolean {
  return dialectOf(db) === "postgresql";
}

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
  if (isPostgresUrl(options.url)) return openPostgres(options.url);
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
  dialects.set(db, "sqlite");
  connections.set(db, () => connection);
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$queryRawUnsafe(`PRAGMA synchronous = ${options.synchronous}`);
  await checkPragmas(db, options);
  return db;
}

/**
 * PostgreSQL through Prisma's pg adapter. The code is typed against the SQLite client (what
 * compiles there is the subset both providers accept), so the PostgreSQL client is cast here, at
 * the one place it is made. Durability is PostgreSQL's (fsync and synchronous_commit on by
 * default): a COMMIT that returned is on disk; `synchronous` is SQLite's knob and ignored.
 * Connects at once, so a wrong URL or a server that is down fails start-up with its reason.
 */
async function openPostgres(url: string): Promise<Db> {
  const max = Number(process.env.LIKELY_PG_POOL_SIZE ?? 10);
  const poolTimeoutMs = Number(process.env.LIKELY_PG_POOL_TIMEOUT_MS ?? 8_000);
  // Interactive transactions get more than Prisma's 5 s: every statement is a round trip to the
  // server here, and a busy machine (or a lock wait for a variant's attempt) must not expire one.
  // The pool gives up waiting for a connection well before Prisma's `maxWait` does: when maxWait
  // expired first, the 6.19 adapter still opened the transaction once a connection came free and
  // nobody ever ended it (prisma/orm#29719), so under overload connections leaked one by one,
  // "idle in transaction", until the pool was empty. A pool timeout is an ordinary error instead.
  // Our pool, handed to the adapter (which ends it on $disconnect): the submission hot path runs SQL on it too.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: poolTimeoutMs });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const db = new PostgresClient({ adapter, transactionOptions: { maxWait: poolTimeoutMs + TRANSACTION_START_MARGIN_MS, timeout: 20_000 } }) as unknown as Db;
  dialects.set(db, "postgresql");
  postgresUrls.set(db, url);
  pools.set(db, pool);
  await db.$queryRawUnsafe("SELECT 1");
  return db;
}

const pools = new WeakMap<Db, pg.Pool>();

/** The pg pool under Prisma's adapter on PostgreSQL (the hot path's SQL: src/db/postgres-submissions.ts); undefined on SQLite. */
export function postgresPool(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

/** Prisma's maxWait exceeds the pool's wait by this much, so a transaction that got its connection has time to BEGIN. */
const TRANSACTION_START_MARGIN_MS = 20_000;

const connections = new WeakMap<Db, () => Database | undefined>();

/**
 * The better-sqlite3 connection under Prisma's adapter (the very same one, so the same pragmas and
 * no second writer), for the hot path written in SQL (src/db/submissions.ts): a Prisma interactive
 * transaction costs ~2 ms of CPU, the same statements directly ~0.1 ms. Undefined when the adapter's
 * internals differ from 6.19's; callers then use Prisma. While `inTransaction` is true a Prisma
 * transaction is open on it and direct statements would join that transaction: use Prisma then.
 * Undefined on PostgreSQL (every caller has a Prisma path with the same meaning).
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
