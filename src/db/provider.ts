import type { Db } from "./client";

/** Which database a client talks to; openDb records it (a client it did not open counts as SQLite). */
export type Provider = "sqlite" | "postgresql";

const providers = new WeakMap<Db, { provider: Provider; url: string }>();

export function recordProvider(db: Db, provider: Provider, url: string): void {
  providers.set(db, { provider, url });
}

export function providerOf(db: Db): Provider {
  return providers.get(db)?.provider ?? "sqlite";
}

/** The DATABASE_URL the client was opened with (a dedicated LISTEN connection needs it). */
export function urlOf(db: Db): string | undefined {
  return providers.get(db)?.url;
}

/**
 * Can several server processes share this database? Only PostgreSQL: SQLite is one process (its
 * group commit and attempt-limit queue live in that process), so its per-process state is exact.
 */
export function sharedByProcesses(db: Db): boolean {
  return providerOf(db) === "postgresql";
}
