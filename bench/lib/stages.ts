/**
 * The cost of each stage of a graded submission, timed in this process on a copy of the bench
 * database: token lookup, variant lookup, extension, idempotency lookup, grading, the storing
 * transaction (Prisma), a bare SQLite commit of the same size (better-sqlite3, no Prisma), and the
 * whole submitAnswers(). Sequential calls after a warm-up, so the figures are per-request CPU and
 * I/O time on one event loop: what bounds the server's throughput.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { gradeVariant } from "../../exercises";
import { sha256 } from "../../src/auth/secrets";
import { openDb } from "../../src/db/client";
import { selectOptionalExtension } from "../../src/db/extensions";
import { selectOptionalTokenUser } from "../../src/db/sessions";
import { insertSubmissionWithinLimit, selectOptionalSubmissionByKey } from "../../src/db/submissions";
import { selectOwnVariant, submitAnswers } from "../../src/homework/submit";
import { toRecord } from "../../src/homework/variants";
import type { Participant } from "./api";

export type StageTimes = { synchronous: "FULL" | "NORMAL"; iterations: number; stages: { name: string; us: number }[] };

async function time(iterations: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn(-1 - i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / iterations;
}

export async function measureStages(dbFile: string, participants: Participant[], synchronous: "FULL" | "NORMAL", iterations = 1000): Promise<StageTimes> {
  const copy = `${dbFile}.stages-${synchronous.toLowerCase()}.db`;
  const source = new Database(dbFile, { fileMustExist: true });
  await source.backup(copy);
  source.close();
  const db = await openDb({ url: `file:${copy}`, synchronous });
  const stages: { name: string; us: number }[] = [];
  const pick = (i: number) => participants[((i % participants.length) + participants.length) % participants.length]!;
  const tag = Date.now().toString(36);
  try {
    stages.push({ name: "token lookup (Prisma findUnique)", us: await time(iterations, (i) => selectOptionalTokenUser(db, sha256(pick(i).token))) });
    stages.push({ name: "variant + item + assignment (Prisma)", us: await time(iterations, (i) => selectOwnVariant(db, pick(i).variantId, pick(i).userId)) });
    const contexts = await Promise.all(participants.map((p) => selectOwnVariant(db, p.variantId, p.userId)));
    stages.push({ name: "extension lookup (Prisma)", us: await time(iterations, (i) => selectOptionalExtension(db, contexts[0]!.assignment.id, pick(i).userId)) });
    stages.push({ name: "idempotency-key lookup (Prisma)", us: await time(iterations, (i) => selectOptionalSubmissionByKey(db, pick(i).userId, `stage-none-${i}`)) });
    const records = contexts.map((c) => toRecord(c.variant));
    const ctxOf = (i: number) => ((i % participants.length) + participants.length) % participants.length;
    stages.push({
      name: "grading (gradeVariant)",
      us: await time(iterations, (i) => {
        const k = ctxOf(i);
        const item = contexts[k]!.item;
        return gradeVariant(records[k]!, participants[k]!.answers, {
          ...(item.rtol !== null ? { rtol: item.rtol } : {}),
          ...(item.atol !== null ? { atol: item.atol } : {}),
        });
      }),
    });
    const graded = contexts.map((c, k) => gradeVariant(records[k]!, participants[k]!.answers, {}) as { values: unknown; parts: unknown; score: number });
    stages.push({
      name: "store: Prisma transaction + COMMIT",
      us: await time(iterations, (i) => {
        const k = ctxOf(i);
        const p = participants[k]!;
        return insertSubmissionWithinLimit(
          db,
          {
            variantId: p.variantId,
            userId: p.userId,
            raw: JSON.stringify(p.answers),
            parsed: JSON.stringify(graded[k]!.values),
            results: JSON.stringify(graded[k]!.parts),
            score: graded[k]!.score,
            idempotencyKey: `stage-${tag}-store-${i}`,
          },
          null,
        );
      }),
    });
    stages.push({
      name: "whole submitAnswers()",
      us: await time(iterations, (i) => {
        const p = pick(i);
        return submitAnswers(db, { variantId: p.variantId, userId: p.userId, answers: p.answers, idempotencyKey: `stage-${tag}-all-${i}` });
      }),
    });
  } finally {
    await db.$disconnect();
  }
  // The floor: the same transaction written with better-sqlite3 directly (no Prisma).
  const raw = new Database(copy);
  try {
    raw.pragma("journal_mode = WAL");
    raw.pragma(`synchronous = ${synchronous}`);
    const find = raw.prepare("SELECT id FROM Submission WHERE userId = ? AND idempotencyKey = ?");
    const count = raw.prepare("SELECT COUNT(*) AS n FROM Submission WHERE variantId = ?");
    const insert = raw.prepare("INSERT INTO Submission (variantId, userId, attempt, raw, parsed, results, score, idempotencyKey) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const store = raw.transaction((p: Participant, key: string) => {
      find.get(p.userId, key);
      const n = (count.get(p.variantId) as { n: number }).n;
      insert.run(p.variantId, p.userId, n + 1, JSON.stringify(p.answers), "{}", "[]", 1, key);
    });
    stages.push({ name: "same transaction, better-sqlite3 directly", us: await time(iterations, (i) => store(pick(i), `stage-${tag}-raw-${i}`)) });
    const empty = raw.transaction(() => {
      raw.prepare("UPDATE Course SET title = title WHERE id = 1").run();
    });
    stages.push({ name: "SQLite: one-row write + COMMIT only", us: await time(iterations, () => empty()) });
  } finally {
    raw.close();
    for (const f of [copy, copy + "-wal", copy + "-shm"]) fs.rmSync(f, { force: true });
  }
  return { synchronous, iterations, stages };
}

export function formatStages(s: StageTimes): string {
  const lines = [`stage costs, synchronous=${s.synchronous} (${s.iterations} sequential calls each, mean):`];
  for (const st of s.stages) lines.push(`  ${st.name.padEnd(44)} ${st.us.toFixed(0).padStart(6)} us`);
  return lines.join("\n");
}
