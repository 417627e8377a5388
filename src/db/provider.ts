import type { Db } from "./client";

/** Which database a client talks to; openDb records it (a client it did not open counts as SQLite). */
export type Provider = "sqlite" | "postgresql";

const providers = new WeakMap<Db, Provider>();

export function recordProvider(db: Db, provider: Provider): void {
  providers.set(db, provider);
}

export function providerOf(db: Db): Provider {
  return providers.get(db) ?? "sqlite";
}

/**
 * Can several server processes share this database? Only PostgreSQL: SQLite is one process (its
 * group commit and attempt-limit queue live in that process), so its per-process state is exact.
 */
export function sharedByProcesses(db: Db): boolean {
  return providerOf(db) === "postgresql";
}
