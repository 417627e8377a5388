/**
 * The cost of each stage of a graded submission, timed in this process on a copy of the bench
 * database: the token lookup, the reads before grading (with Prisma as they were, and as one SQL
 * statement as they are), grading, the storing transaction (with Prisma as it was, and directly as
 * it is), the whole submitAnswers(), and a bare one-row SQLite commit. Sequential calls after a warm-up, so the figures are per-request CPU and
 * I/O time on one event loop: what bounds the server's throughput.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { gradeVariant } from "../../exercises";
import { sha256 } from "../../src/auth/secrets";
import { openDb, type Db } from "../../src/db/client";
import { selectOptionalExtension } from "../../src/db/extensions";
import { selectOptionalTokenUser } from "../../src/db/sessions";
import { insertSubmissionWithinLimit, selectOptionalSubmissionByKey, selectSubmitContext, type NewSubmission } from "../../src/db/submissions";
import { selectOptionalVariantContext, type VariantContext } from "../../src/db/variants";
import { submitAnswers } from "../../src/homework/submit";
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
    stages.push({ name: "token lookup (Prisma findUnique; bearer middleware)", us: await time(iterations, (i) => selectOptionalTokenUser(db, sha256(pick(i).token))) });
    stages.push({
      name: "context via Prisma: variant+item+assignment, extension, key (3 queries)",
      us: await time(iterations, async (i) => {
        const p = pick(i);
        const ctx = await selectOwnVariant(db, p.variantId, p.userId);
        await selectOptionalExtension(db, ctx.assignment.id, p.userId);
        await selectOptionalSubmissionByKey(db, p.userId, `stage-none-${i}`);
      }),
    });
    stages.push({ name: "context, one SQL statement (selectSubmitContext)", us: await time(iterations, (i) => selectSubmitContext(db, pick(i).variantId, pick(i).userId, `stage-none-${i}`)) });
    const contexts = await Promise.all(participants.map((p) => selectOwnVariant(db, p.variantId, p.userId)));
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
    const row = (i: number, key: string): NewSubmission => {
      const k = ctxOf(i);
      const p = participants[k]!;
      return {
        variantId: p.variantId,
        userId: p.userId,
        raw: JSON.stringify(p.answers),
        parsed: JSON.stringify(graded[k]!.values),
        results: JSON.stringify(graded[k]!.parts),
        score: graded[k]!.score,
        idempotencyKey: key,
      };
    };
    // The storing transaction as it was written with Prisma (key lookup, count, create, COMMIT).
    stages.push({
      name: "store via Prisma interactive transaction + COMMIT",
      us: await time(iterations, (i) => {
        const s = row(i, `stage-${tag}-prisma-${i}`);
        return db.$transaction(async (tx) => {
          await tx.submission.findUnique({ where: { userId_idempotencyKey: { userId: s.userId, idempotencyKey: s.idempotencyKey! } } });
          const used = await tx.submission.count({ where: { variantId: s.variantId } });
          return tx.submission.create({ data: { ...s, attempt: used + 1 } });
        });
      }),
    });
    stages.push({ name: "store, direct (insertSubmissionWithinLimit) + COMMIT", us: await time(iterations, (i) => insertSubmissionWithinLimit(db, row(i, `stage-${tag}-store-${i}`), null)) });
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
  // The floor: a one-row write and its COMMIT (the fsync under FULL), better-sqlite3 alone.
  const raw = new Database(copy);
  try {
    raw.pragma("journal_mode = WAL");
    raw.pragma(`synchronous = ${synchronous}`);
    raw.exec("CREATE TABLE IF NOT EXISTS bench_commit (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
    const one = raw.prepare("INSERT INTO bench_commit (payload) VALUES (?)");
    const empty = raw.transaction(() => {
      one.run("x".repeat(300));
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
  for (const st of s.stages) lines.push(`  ${st.name.padEnd(72)} ${st.us.toFixed(0).padStart(6)} us`);
  return lines.join("\n");
}

/** The submission context read the Prisma way (3 queries), for comparison with the one-statement path. */
async function selectOwnVariant(db: Db, variantId: number, userId: number): Promise<VariantContext> {
  const ctx = await selectOptionalVariantContext(db, variantId);
  if (!ctx || ctx.variant.userId !== userId) throw new Error(`variant ${variantId} is not user ${userId}'s`);
  return ctx;
}
