/**
 * On PostgreSQL every API request looks its bearer token up (no process may cache one there:
 * src/db/revocations.ts), coalesced by src/db/postgres-token-lookup.ts. A class's burst must get
 * each student their own account from few queries, and a lookup asked after a token was deleted must
 * never be answered by a query that started before. PostgreSQL project only.
 */
import type { Pool } from "pg";
import { openDb, postgresPool, type Db } from "../../src/db/client";
import { lookUpToken } from "../../src/db/postgres-token-lookup";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/test-database";

const describePg = onPostgres ? describe : describe.skip;
const HOUR = 3600_000;

describePg("bearer token lookups on PostgreSQL", () => {
  let database: TestDatabase;
  let db: Db;
  let pool: Pool;
  const hashes: string[] = [];
  const userIdOf = new Map<string, number>();

  beforeAll(async () => {
    database = await createTestDatabase("pg_tokens");
    db = await openDb({ url: database.url, synchronous: "NORMAL" });
    pool = postgresPool(db)!;
    for (let i = 0; i < 30; i++) {
      const user = await db.user.create({ data: { email: `lookup${i}@example.edu`, name: `Lookup ${i}`, passwordHash: "x" } });
      const tokenHash = `hash-${i}-`.padEnd(64, "0");
      await db.apiToken.create({ data: { tokenHash, userId: user.id, expiresAt: new Date(Date.now() + HOUR) } });
      hashes.push(tokenHash);
      userIdOf.set(tokenHash, user.id);
    }
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  test("300 lookups at once: each gets its own user (or none for an unknown token) from a handful of queries", async () => {
    const asked = Array.from({ length: 300 }, (_, i) => (i % 31 === 30 ? "unknown".padEnd(64, "0") : hashes[i % 30]!));
    const query = jest.spyOn(pool, "query");
    try {
      const rows = await Promise.all(asked.map((h) => lookUpToken(pool, h)));
      rows.forEach((row, i) => {
        const expected = userIdOf.get(asked[i]!);
        if (expected === undefined) expect(row).toBeUndefined();
        else expect(row).toMatchObject({ id: expected, email: `lookup${hashes.indexOf(asked[i]!)}@example.edu`, role: "student" });
      });
      expect(rows[0]!.expiresAt).toBeInstanceOf(Date);
      expect(query.mock.calls.length).toBeGreaterThan(0);
      expect(query.mock.calls.length).toBeLessThan(10);
    } finally {
      query.mockRestore();
    }
  });

  test("a token deleted while lookups of it are in flight is unknown to every lookup asked after the deletion", async () => {
    for (let i = 0; i < 20; i++) {
      const user = await db.user.create({ data: { email: `revoked${i}@example.edu`, name: "Revoked", passwordHash: "x" } });
      const tokenHash = `revoked-${i}-`.padEnd(64, "0");
      await db.apiToken.create({ data: { tokenHash, userId: user.id, expiresAt: new Date(Date.now() + HOUR) } });
      // Lookups of it keep a query in flight while the deletion commits on another connection.
      const before = Array.from({ length: 20 }, () => lookUpToken(pool, tokenHash));
      await db.apiToken.delete({ where: { tokenHash } });
      const after = await lookUpToken(pool, tokenHash);
      expect(after).toBeUndefined();
      await Promise.all(before);
    }
  });

  test("a failed query fails only the lookups it carried; the next ones are answered", async () => {
    const query = jest.spyOn(pool, "query").mockImplementationOnce(() => Promise.reject(new Error("connection reset")));
    try {
      await expect(lookUpToken(pool, hashes[0]!)).rejects.toThrow("connection reset");
      expect(await lookUpToken(pool, hashes[1]!)).toMatchObject({ id: userIdOf.get(hashes[1]!) });
    } finally {
      query.mockRestore();
    }
  });
});
