// Prisma CLI configuration: the offline recipe of shared/STACK.md.
// Prisma 6.19 checks that native engine files exist before any command, although with
// `engine: "js"` nothing is executed from them; pointing both at this file satisfies the check.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= __filename;
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= __filename;

import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const url = process.env.DATABASE_URL ?? `file:${path.join(__dirname, "data", "likely.db")}`;

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connectToShadowDb"]>>;

/**
 * The 6.19 adapter sends each whole migration script to `executeRaw`, which prepares a single
 * statement, so replaying migrations into the shadow database fails (P3006). Route
 * argument-less multi-statement scripts to `executeScript` instead.
 */
function scriptAwareShadow(adapter: Adapter): Adapter {
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

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    const factory = new PrismaBetterSQLite3({ url });
    const connectToShadowDb = factory.connectToShadowDb.bind(factory);
    factory.connectToShadowDb = async () => scriptAwareShadow(await connectToShadowDb());
    return factory;
  },
});
