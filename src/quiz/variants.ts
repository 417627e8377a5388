/**
 * Quiz variants: the shared one of a question (userId null, created with the quiz) or a student's
 * own (created when they first see the question), and their rendered question HTML.
 */
import crypto from "node:crypto";
import { createVariant, createVariantFromData, parametrisationOf, renderQuestion, toStudentVariant, type StudentVariant, type VariantRecord } from "../../exercises";
import type { Db } from "../db/client";
import {
  insertQuizVariant,
  insertQuizVariants,
  selectOptionalQuizVariant,
  selectParticipantsWithoutVariant,
  type NewVariant,
  type QuizItemRecord,
  type StoredVariant,
} from "../db/quizzes";
import type { PartSpec } from "../grading";
import type { QuizCache } from "./cache";

/** A fresh seed that fits a 32-bit signed integer column on every database. */
export function newSeed(): number {
  return crypto.randomInt(0, 2 ** 31 - 1);
}

/** A question's variant: on the instructor's data when the item has some (the same for everyone), else drawn from the seed. */
export function drawVariant(item: QuizItemRecord, seed: number): VariantRecord {
  return item.data !== null && item.data !== undefined ? createVariantFromData(item.exercise, item.data, {}, parametrisationOf(item.params)).variant : createVariant(item.exercise, seed, item.params);
}

export function toNewVariant(v: VariantRecord): NewVariant {
  return { exercise: v.slug, seed: v.seed, params: v.params, data: v.data, key: v.key, solution: v.solution, solverVersion: v.solverVersion };
}

export function toVariantRecord(v: StoredVariant): VariantRecord {
  // One record per stored variant object: a shared question's variant is cached (src/quiz/cache.ts),
  // so its record is too, and the grader's per-record list of diagnosable mistakes (exercises/index.ts)
  // is computed once per question instead of once per answer (~6% of the CPU of a class's burst).
  let record = records.get(v);
  if (!record) {
    record = {
      slug: v.exercise,
      seed: v.seed,
      params: v.params,
      data: v.data,
      key: v.key as VariantRecord["key"],
      solution: v.solution as VariantRecord["solution"],
      solverVersion: v.solverVersion,
    };
    records.set(v, record);
  }
  return record;
}

const records = new WeakMap<StoredVariant, VariantRecord>();

/** A question as a student sees it: prompt HTML (data table, plot; no key) and the answer parts. */
export type RenderedQuestion = { html: string; parts: PartSpec[] };

const RENDER_CACHE_SIZE = 2000;

/** renderQuestion, remembered per variant (a class re-fetches the same question at every state change). */
export function renderCached(cache: QuizCache, cacheKey: string, v: StudentVariant): RenderedQuestion {
  const rendered = cache.rendered;
  const hit = rendered.get(cacheKey);
  if (hit) return hit;
  const out = renderQuestion(v);
  if (rendered.size >= RENDER_CACHE_SIZE) rendered.delete(rendered.keys().next().value as string);
  rendered.set(cacheKey, out);
  return out;
}

export function renderStored(cache: QuizCache, v: StoredVariant): RenderedQuestion {
  return renderCached(cache, `variant:${v.id}`, toStudentVariant(toVariantRecord(v)));
}

/** The variant this student answers for a question: the shared one, or their own (created now if needed). */
export async function variantForStudent(db: Db, cache: QuizCache, sharedData: boolean, item: QuizItemRecord, userId: number): Promise<StoredVariant> {
  if (sharedData) {
    const shared = await cache.sharedVariant(item.id);
    if (shared) return shared;
    // A shared quiz stores its variants when it is created (insertQuiz), in the same transaction.
    throw new Error(`quiz item ${item.id} has no shared variant`);
  }
  const own = await selectOptionalQuizVariant(db, item.id, userId);
  if (own) return own;
  return insertQuizVariant(db, item.id, userId, toNewVariant(drawVariant(item, newSeed())));
}

/**
 * What the projector shows for a question: the shared variant, or with personal data an example
 * variant (seed fixed per item, not stored) since every student has their own numbers.
 */
export async function presenterQuestion(cache: QuizCache, sharedData: boolean, item: QuizItemRecord): Promise<RenderedQuestion> {
  if (sharedData) {
    const shared = await cache.sharedVariant(item.id);
    if (shared) return renderStored(cache, shared);
  }
  const key = `example:${item.id}`;
  return cache.rendered.get(key) ?? renderCached(cache, key, toStudentVariant(drawVariant(item, item.id % 100_000)));
}

/**
 * With personal data, draws the variants of everyone who has joined when a question opens, in one
 * write, so the class's first look at the question is a read, not 300 separate commits. Students
 * who join later get theirs on first view.
 */
export async function precreatePersonalVariants(db: Db, quizId: number, item: QuizItemRecord): Promise<number> {
  const userIds = await selectParticipantsWithoutVariant(db, quizId, item.id);
  const variants = userIds.map((userId) => ({ userId, variant: toNewVariant(drawVariant(item, newSeed())) }));
  try {
    return await insertQuizVariants(db, item.id, variants);
  } catch (err) {
    if ((err as { code?: unknown }).code === "P2002") return 0; // someone was faster: first views create the rest
    throw err;
  }
}
