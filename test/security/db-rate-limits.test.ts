/**
 * Rate limits shared by several server processes: the windows live in the database, and hits from
 * two clients of one database (as two processes have) count against one window, never fewer.
 */
import { openDb } from "../../src/db/client";
import { DbRateLimitState } from "../../src/rate-limits/state";
import { createTestApp, type TestApp } from "../support/test-app";
import { onPostgres } from "../support/test-database";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("fixed windows per key, undo within the window, reset, and a new window after the end", async () => {
  let now = 1_000_000_000_000;
  const state = new DbRateLimitState(t.db, () => now);
  expect(await state.hit("a", 60_000)).toEqual({ hits: 1, resetAt: new Date(now + 60_000) });
  expect((await state.hit("a", 60_000)).hits).toBe(2);
  expect((await state.hit("b", 60_000)).hits).toBe(1);
  await state.undo("a");
  expect((await state.hit("a", 60_000)).hits).toBe(2);
  now += 60_000;
  expect(await state.hit("a", 60_000)).toEqual({ hits: 1, resetAt: new Date(now + 60_000) });
  await state.reset("a");
  expect((await state.hit("a", 60_000)).hits).toBe(1);
  // A window that ended is not undone.
  now += 60_000;
  await state.undo("a");
  expect((await state.hit("a", 60_000)).hits).toBe(1);
});

test("40 parallel hits through two states of one database: all counted, at most 5 see a count within a limit of 5", async () => {
  const a = new DbRateLimitState(t.db);
  const b = new DbRateLimitState(t.db);
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit("signin:race", 60_000)));
  expect(Math.max(...results.map((r) => r.hits))).toBe(40);
  expect(results.filter((r) => r.hits <= 5).length).toBeLessThanOrEqual(5);
  expect((await t.db.rateLimitWindow.findUniqueOrThrow({ where: { key: "signin:race" } })).hits).toBe(40);
});

// Two clients of one database are two processes' pools (SQLite serves one process: no such case).
(onPostgres ? test : test.skip)("60 parallel hits through two clients of one PostgreSQL database: all counted, at most 5 within a limit of 5", async () => {
  const second = await openDb({ url: t.config.databaseUrl, synchronous: "NORMAL" });
  try {
    const a = new DbRateLimitState(t.db);
    const b = new DbRateLimitState(second);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit("signin:two-processes", 60_000)));
    expect(Math.max(...results.map((r) => r.hits))).toBe(60);
    expect(results.filter((r) => r.hits <= 5).length).toBeLessThanOrEqual(5);
    expect((await t.db.rateLimitWindow.findUniqueOrThrow({ where: { key: "signin:two-processes" } })).hits).toBe(60);
  } finally {
    await second.$disconnect();
  }
});
