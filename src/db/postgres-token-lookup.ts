import type { Pool } from "pg";
import { types } from "./postgres-submissions";
import type { PublicUser } from "./users";

/**
 * Bearer token lookups on PostgreSQL, where no process may cache a verified token (another
 * process's revocation reaches it by NOTIFY, which can come after the next request:
 * src/db/revocations.ts). Every API request is looked up, so lookups are coalesced: requests that
 * ask while a query is in flight share the next one. Each request is still answered by a query that
 * started after it asked, so a revocation committed before it arrived is always seen.
 */
export type TokenRow = PublicUser & { tokenHash: string; expiresAt: Date };

type Waiter = { resolve: (row: TokenRow | undefined) => void; reject: (e: unknown) => void };

/** Hashes per query at most: a class's burst is answered in a few queries, none of them huge. */
const MAX_BATCH = 500;

function createLookup(pool: Pool): (tokenHash: string) => Promise<TokenRow | undefined> {
  const waiting = new Map<string, Waiter[]>();
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.size > 0) {
      const batch = new Map<string, Waiter[]>();
      for (const [hash, ws] of waiting) {
        if (batch.size === MAX_BATCH) break;
        batch.set(hash, ws);
      }
      for (const hash of batch.keys()) waiting.delete(hash);
      try {
        const r = await pool.query<TokenRow>({
          name: "likely_token_users",
          text: `SELECT t."tokenHash", t."expiresAt", u."id", u."email", u."name", u."role" FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" WHERE t."tokenHash" = ANY($1::text[])`,
          values: [[...batch.keys()]],
          types,
        });
        const found = new Map(r.rows.map((row) => [row.tokenHash, row]));
        for (const [hash, ws] of batch) for (const w of ws) w.resolve(found.get(hash));
      } catch (e) {
        for (const ws of batch.values()) for (const w of ws) w.reject(e);
      }
    }
    running = false;
  }

  return (tokenHash) =>
    new Promise<TokenRow | undefined>((resolve, reject) => {
      const ws = waiting.get(tokenHash);
      if (ws) ws.push({ resolve, reject });
      else waiting.set(tokenHash, [{ resolve, reject }]);
      if (!running) void drain();
    });
}

const byPool = new WeakMap<Pool, (tokenHash: string) => Promise<TokenRow | undefined>>();

/** The token's row, read by a query that started after this call. */
export function lookUpToken(pool: Pool, tokenHash: string): Promise<TokenRow | undefined> {
  let lookup = byPool.get(pool);
  if (!lookup) byPool.set(pool, (lookup = createLookup(pool)));
  return lookup(tokenHash);
}
