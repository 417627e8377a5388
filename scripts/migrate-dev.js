#!/usr/bin/env node
// `npm run migrate:dev -- --name x`: makes one schema change into both migration histories.
// prisma/schema.prisma (SQLite) is the only schema anyone edits; this script derives
// prisma/postgresql/schema.prisma from it, then runs `prisma migrate deploy` + `prisma migrate dev`
// (with the arguments given) on a SQLite scratch database (DATABASE_URL=file:..., or data/likely.db)
// and on a PostgreSQL scratch database (LIKELY_DEV_POSTGRES_URL=postgresql://...), which writes
// prisma/migrations/<ts>_x and prisma/postgresql/migrations/<ts>_x. Without a PostgreSQL URL it
// writes the SQLite migration only and exits 1 saying so (the schema-drift test would fail).
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const cli = require.resolve("prisma/build/index.js", { paths: [root] });
const args = process.argv.slice(2);
const isPostgres = (u) => /^postgres(ql)?:/i.test(u ?? "");

function prisma(url, command) {
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
  if (url) env.DATABASE_URL = url;
  else delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [cli, ...command], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function migrate(url, label) {
  console.log(`--- ${label}`);
  prisma(url, ["migrate", "deploy"]);
  prisma(url, ["migrate", "dev", ...args]);
}

require("./derive-postgres-schema.js").main();
const sqliteUrl = isPostgres(process.env.DATABASE_URL) ? undefined : process.env.DATABASE_URL;
const postgresUrl = process.env.LIKELY_DEV_POSTGRES_URL ?? (isPostgres(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined);
migrate(sqliteUrl, `SQLite (${sqliteUrl ?? "file:data/likely.db"})`);
if (!postgresUrl) {
  console.error(
    "\nThe PostgreSQL migration was NOT created: set LIKELY_DEV_POSTGRES_URL=postgresql://... (a scratch database;\n" +
      "see README, \"Schema changes\") and run the same command again; the SQLite part is then already in sync.",
  );
  process.exit(1);
}
migrate(postgresUrl, "PostgreSQL");
