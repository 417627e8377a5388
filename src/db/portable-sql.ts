import { Prisma } from "../generated/prisma/client";
import type { Dialect } from "./client";

/**
 * A DateTime parameter where nothing gives it a type (a SELECT list feeding an INSERT): PostgreSQL
 * would take it as text and refuse it for a timestamp column; SQLite stores Prisma's text as is
 * (and CAST(... AS TIMESTAMP) there would turn it into a number).
 */
export function timestampParam(dialect: Dialect, d: Date | string): Prisma.Sql {
  return dialect === "postgresql" ? Prisma.sql`CAST(${d} AS TIMESTAMP(3))` : Prisma.sql`${d}`;
}
