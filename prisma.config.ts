// Prisma CLI configuration: the offline recipe of shared/STACK.md, for SQLite (`file:` URLs, the
// default) and PostgreSQL (`postgresql:`/`postgres:` URLs), chosen by DATABASE_URL.
// Prisma 6.19 checks that native engine files exist before any command, although with
// `engine: "js"` nothing is executed from them; pointing both at this file satisfies the check.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= __filename;
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= __filename;

import crypto from "node:crypto";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const url = process.env.DATABASE_URL ?? `file:${path.join(__dirname, "data", "likely.db")}`;
const postgres = /^postgres(ql)?:/i.test(url);

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connectToShadowDb"]>>;

/**
 * The 6.19 adapter sends each whole migration script to `executeRaw`, which prepares a single
 * statement, so replaying migrations into the shadow database fails (P3006). Route
 * argument-less multi-statement scripts to `executeScript` instead.
 */
function scriptAwareShadow(adapter: SqliteAdapter): SqliteAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0 && query.sql.split(";").filter((s) => s.trim()).length > 1) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

function sqliteAdapter() {
  const factory = new PrismaBetterSQLite3({ url });
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => scriptAwareShadow(await connectToShadowDb());
  return factory;
}

/**
 * The three fixes the 6.19 schema engine needs on PostgreSQL, in this (CLI) process only:
 * 1. Catalog columns of type `name` (oid 19) and `"char"` (oid 18) are refused by the adapter
 *    ("Column type 'name' could not be deserialized", prisma/orm#27403): report them as text (25);
 *    pg already parses both as strings.
 * 2. The engine leaves a ~10 s advisory-lock timer running, so every command would hang after it
 *    finished: long timers are unref'd and the pools may exit when idle.
 * 3. The adapter's shadow database connection ends up on the main database (the connection
 *    string wins over `database`), so `migrate dev` fails with "relation already exists": create
 *    a throwaway database and connect to it by rewriting the URL's path, or use SHADOW_DATABASE_URL.
 */
function postgresCliFixes(): void {
  const asText = (r: pg.QueryResult | undefined) => {
    for (const f of r?.fields ?? []) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
    return r;
  };
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // pg.Pool#query passes a callback
      args[args.length - 1] = (err: unknown, r: pg.QueryResult) => (last as (e: unknown, r: unknown) => void)(err, asText(r));
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    return result && typeof (result as Promise<unknown>).then === "function" ? (result as Promise<pg.QueryResult>).then(asText) : result;
  };
  const setTimeoutOriginal = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    const timer = setTimeoutOriginal(fn, ms, ...rest);
    if ((ms ?? 0) >= 1000) timer.unref();
    return timer;
  }) as typeof setTimeout;
}

function postgresAdapter() {
  postgresCliFixes();
  const factory = new PrismaPg({ connectionString: url, allowExitOnIdle: true });
  factory.connectToShadowDb = async () => {
    const shadowUrl = process.env.SHADOW_DATABASE_URL;
    if (shadowUrl) return new PrismaPg({ connectionString: shadowUrl, allowExitOnIdle: true }).connect();
    const main = await factory.connect();
    const name = `prisma_shadow_${crypto.randomUUID().replace(/-/g, "")}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const shadow = await new PrismaPg({ connectionString: target.toString(), allowExitOnIdle: true }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${name}"`);
      await main.dispose();
    };
    return shadow;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  migrations: { path: postgres ? path.join("prisma", "postgresql", "migrations") : path.join("prisma", "migrations") },
  async adapter() {
    return postgres ? postgresAdapter() : sqliteAdapter();
  },
});
