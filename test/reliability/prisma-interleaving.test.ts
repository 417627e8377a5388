/**
 * Prisma 6.19's better-sqlite3 adapter serialises interactive transactions with a mutex, but on its
 * own a query outside a transaction does not wait for it: it would run inside whichever interactive
 * transaction is open, be answered before it is committed, and vanish if that transaction rolls
 * back. src/db/transaction-gate.ts makes such queries wait; this test keeps it that way.
 */
import { sha256 } from "../../src/auth/secrets";
import { insertApiToken } from "../../src/db/sessions";
import { insertUser } from "../../src/db/users";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("a write outside any transaction survives another request's transaction rolling back", async () => {
  const user = await insertUser(t.db, { email: "interleave@example.edu", name: "Ivy Interleave", role: "student", passwordHash: "x" });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const other = t.db
    .$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { name: "changed, then rolled back" } });
      opened();
      await gate;
      throw new Error("roll back");
    })
    .catch(() => "rolled back");
  await isOpen;
  // A login meanwhile: the token is stored and would be handed to the client...
  await insertApiToken(t.db, sha256("interleaved-token-0000000000"), user.id);
  release();
  expect(await other).toBe("rolled back");
  // ...and it is not taken down by the other transaction's rollback.
  expect(await t.db.apiToken.findUnique({ where: { tokenHash: sha256("interleaved-token-0000000000") } })).not.toBeNull();
});
