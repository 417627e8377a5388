/**
 * Queries of the live quiz: quizzes and their items, participants, quiz variants and responses,
 * plus `selectQuizScores` for the gradebook. JSON payloads are stored as text and parsed here.
 *
 * The rule "an answer is stored only while its question is open" is enforced by the insert itself
 * (`insertQuizResponseIfOpen`), from the database alone, so it holds across processes.
 */
import { Prisma } from "../generated/prisma/client";
import { insertAuditEntry } from "./audit";
import { dialectOf, type Db, type Dialect } from "./client";
import { directStatement, optionalSqliteDate, sqliteDate } from "./direct-statement";
import { timestampParam } from "./portable-sql";
import { variantColumns, type VariantRow as StoredVariantRow } from "./variants";

export type QuizItemRecord = {
  id: number;
  position: number;
  exercise: string;
  params: Record<string, unknown>;
  points: number;
};

export type QuizRecord = {
  id: number;
  courseId: number;
  title: string;
  secondsPerQuestion: number;
  sharedData: boolean;
  state: string;
  currentIndex: number;
  phase: string;
  joinCode: string | null;
  opensAt: Date | null;
  closesAt: Date | null;
  createdAt: Date;
  items: QuizItemRecord[];
};

/** A stored variant, JSON fields parsed. `key` and `solution` never leave the server before the reveal. */
export type StoredVariant = {
  id: number;
  quizItemId: number | null;
  userId: number | null;
  exercise: string;
  seed: number;
  params: Record<string, unknown>;
  data: unknown;
  key: Record<string, unknown>;
  solution: unknown;
  solverVersion: string;
};

export type NewVariant = Omit<StoredVariant, "id" | "quizItemId" | "userId">;

export type NewQuiz = {
  courseId: number;
  title: string;
  secondsPerQuestion: number;
  sharedData: boolean;
  /** Items in order; `sharedVariant` is required when sharedData is true. */
  items: { exercise: string; params: Record<string, unknown>; points?: number; sharedVariant?: NewVariant }[];
};

export type QuizListEntry = {
  id: number;
  title: string;
  state: string;
  phase: string;
  currentIndex: number;
  secondsPerQuestion: number;
  sharedData: boolean;
  joinCode: string | null;
  createdAt: Date;
  questions: number;
  participants: number;
};

export type StoredResponse = {
  userId: number;
  raw: Record<string, unknown>;
  parsed: Record<string, unknown>;
  results: { name: string; correct: boolean; feedback: string; mistake?: string }[];
  score: number;
  createdAt: Date;
};

export type QuizTransition = {
  state: string;
  currentIndex: number;
  phase: string;
  opensAt?: Date | null;
  closesAt?: Date | null;
  /** Drawn at start; null at the end (an ended quiz's code joins nothing and may be drawn again). */
  joinCode?: string | null;
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

const quizFields = {
  id: true,
  courseId: true,
  title: true,
  secondsPerQuestion: true,
  sharedData: true,
  state: true,
  currentIndex: true,
  phase: true,
  joinCode: true,
  opensAt: true,
  closesAt: true,
  createdAt: true,
  items: { select: { id: true, position: true, exercise: true, params: true, points: true }, orderBy: { position: "asc" as const } },
};

type QuizRow = Omit<QuizRecord, "items"> & { items: { id: number; position: number; exercise: string; params: string; points: number }[] };

function toQuizRecord(row: QuizRow): QuizRecord {
  return { ...row, items: row.items.map((i) => ({ ...i, params: JSON.parse(i.params) as Record<string, unknown> })) };
}

type VariantRow = Omit<StoredVariantRow, "itemId" | "createdAt">;

function toStoredVariant(v: VariantRow): StoredVariant {
  return {
    id: v.id,
    quizItemId: v.quizItemId,
    userId: v.userId,
    exercise: v.exercise,
    seed: v.seed,
    params: JSON.parse(v.params) as Record<string, unknown>,
    data: JSON.parse(v.data) as unknown,
    key: JSON.parse(v.key) as Record<string, unknown>,
    solution: JSON.parse(v.solution) as unknown,
    solverVersion: v.solverVersion,
  };
}

/**
 * Creates a quiz with its items and, for shared data, each item's one variant (userId null), as one
 * nested write (Prisma runs it in one transaction).
 */
export async function insertQuiz(db: Db, quiz: NewQuiz): Promise<{ id: number }> {
  return db.quiz.create({
    data: {
      courseId: quiz.courseId,
      title: quiz.title,
      secondsPerQuestion: quiz.secondsPerQuestion,
      sharedData: quiz.sharedData,
      items: {
        create: quiz.items.map((item, position) => ({
          position,
          exercise: item.exercise,
          params: JSON.stringify(item.params),
          points: item.points ?? 1,
          ...(item.sharedVariant ? { variants: { create: [variantColumns(item.sharedVariant)] } } : {}),
        })),
      },
    },
    select: { id: true },
  });
}

export async function selectQuizzesForCourse(db: Db, courseId: number): Promise<QuizListEntry[]> {
  const rows = await db.quiz.findMany({
    where: { courseId },
    orderBy: { id: "desc" },
    select: {
      id: true,
      title: true,
      state: true,
      phase: true,
      currentIndex: true,
      secondsPerQuestion: true,
      sharedData: true,
      joinCode: true,
      createdAt: true,
      _count: { select: { items: true, participants: true } },
    },
  });
  return rows.map(({ _count, ...q }) => ({ ...q, questions: _count.items, participants: _count.participants }));
}

export async function selectOptionalQuiz(db: Db, id: number): Promise<QuizRecord | null> {
  const row = await db.quiz.findUnique({ where: { id }, select: quizFields });
  return row ? toQuizRecord(row) : null;
}

/** The parts of a quiz that never change after creation: its course, settings and items. */
export type QuizDefinition = Omit<QuizRecord, "state" | "currentIndex" | "phase" | "joinCode" | "opensAt" | "closesAt">;
/** The parts that change as the quiz runs (the state machine's fields). */
export type QuizRunState = Pick<QuizRecord, "id" | "state" | "currentIndex" | "phase" | "joinCode" | "opensAt" | "closesAt">;

export async function selectOptionalQuizDefinition(db: Db, id: number): Promise<QuizDefinition | null> {
  const row = await db.quiz.findUnique({
    where: { id },
    select: { id: true, courseId: true, title: true, secondsPerQuestion: true, sharedData: true, createdAt: true, items: quizFields.items },
  });
  return row ? { ...row, items: row.items.map((i) => ({ ...i, params: JSON.parse(i.params) as Record<string, unknown> })) } : null;
}

/** One single-table read of the running state: what every answer and state request needs fresh. */
/** Read on every quiz request (never cached: another process may move the quiz on); directly when it can. */
export async function selectOptionalQuizRunState(db: Db, id: number): Promise<QuizRunState | null> {
  const direct = directStatement(db, `SELECT id, state, currentIndex, phase, joinCode, opensAt, closesAt FROM Quiz WHERE id = ?`);
  if (direct) {
    const r = direct.get(id) as (Omit<QuizRunState, "opensAt" | "closesAt"> & { opensAt: string | null; closesAt: string | null }) | undefined;
    return r ? { ...r, opensAt: optionalSqliteDate(r.opensAt), closesAt: optionalSqliteDate(r.closesAt) } : null;
  }
  return db.quiz.findUnique({
    where: { id },
    select: { id: true, state: true, currentIndex: true, phase: true, joinCode: true, opensAt: true, closesAt: true },
  });
}

export async function selectOptionalQuizByJoinCode(db: Db, joinCode: string): Promise<{ id: number; courseId: number; state: string } | null> {
  return db.quiz.findUnique({ where: { joinCode }, select: { id: true, courseId: true, state: true } });
}

/**
 * Applies a state transition only if the quiz is still in the state it was read in (state, index,
 * phase): two presenters clicking "next" at once advance one question, not two. A join code that
 * collides with another quiz's is reported as "code-taken" so the caller can draw another.
 */
export async function updateQuizTransition(
  db: Db,
  id: number,
  from: { state: string; currentIndex: number; phase: string },
  to: QuizTransition,
): Promise<"updated" | "stale" | "code-taken"> {
  const where = { id, state: from.state, currentIndex: from.currentIndex, phase: from.phase };
  if (to.phase === "revealed" && from.phase !== "revealed") return revealWithAudit(db, where, to);
  try {
    const r = await db.quiz.updateMany({ where, data: to });
    return r.count === 1 ? "updated" : "stale";
  } catch (err) {
    if (isUniqueViolation(err)) return "code-taken";
    throw err;
  }
}

/** Reveals the current question's answer and records it in the course's audit trail, in one transaction. */
async function revealWithAudit(db: Db, where: { id: number; state: string; currentIndex: number; phase: string }, to: QuizTransition): Promise<"updated" | "stale"> {
  return db.$transaction(async (tx) => {
    const r = await tx.quiz.updateMany({ where, data: to });
    if (r.count !== 1) return "stale";
    const quiz = await tx.quiz.findUniqueOrThrow({ where: { id: where.id }, select: { courseId: true, title: true } });
    await insertAuditEntry(tx, {
      courseId: quiz.courseId,
      action: "quiz.reveal",
      summary: `Quiz "${quiz.title}": answer to question ${to.currentIndex + 1} revealed${to.state === "ended" ? " (quiz ended)" : ""}`,
      before: { state: where.state, phase: where.phase, question: where.currentIndex + 1 },
      after: { state: to.state, phase: to.phase, question: to.currentIndex + 1 },
    });
    return "updated";
  });
}

/** Test and maintenance hook: moves a question's deadline (tests use it to control the clock). */
export async function updateQuizClosesAt(db: Db, id: number, closesAt: Date): Promise<void> {
  await db.quiz.update({ where: { id }, data: { closesAt } });
}

/** Records that a student joined (joining twice is harmless). */
export async function upsertQuizParticipant(db: Db, quizId: number, userId: number): Promise<void> {
  try {
    await db.quizParticipant.upsert({ where: { quizId_userId: { quizId, userId } }, create: { quizId, userId }, update: {} });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

export async function selectIsQuizParticipant(db: Db, quizId: number, userId: number): Promise<boolean> {
  const direct = directStatement(db, `SELECT 1 AS one FROM QuizParticipant WHERE quizId = ? AND userId = ?`);
  if (direct) return direct.get(quizId, userId) !== undefined;
  const p = await db.quizParticipant.findUnique({ where: { quizId_userId: { quizId, userId } }, select: { id: true } });
  return p !== null;
}

export async function countQuizParticipants(db: Db, quizId: number): Promise<number> {
  return db.quizParticipant.count({ where: { quizId } });
}

/** A quiz item's variant: the shared one (userId null) or a student's own. */
export async function selectOptionalQuizVariant(db: Db, quizItemId: number, userId: number | null): Promise<StoredVariant | null> {
  const v =
    userId === null
      ? await db.variant.findFirst({ where: { quizItemId, userId: null }, orderBy: { id: "asc" } })
      : await db.variant.findUnique({ where: { quizItemId_userId: { quizItemId, userId } } });
  return v ? toStoredVariant(v) : null;
}

/** A student's own variant of a quiz item; when a parallel request created it first, that one. */
export async function insertQuizVariant(db: Db, quizItemId: number, userId: number, v: NewVariant): Promise<StoredVariant> {
  try {
    return toStoredVariant(await db.variant.create({ data: { ...variantColumns(v), quizItemId, userId } }));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await selectOptionalQuizVariant(db, quizItemId, userId);
    if (!existing) throw err;
    return existing;
  }
}

/** Joined students of a quiz item's quiz who have no variant of the item yet. */
export async function selectParticipantsWithoutVariant(db: Db, quizId: number, quizItemId: number): Promise<number[]> {
  const rows = await db.quizParticipant.findMany({
    where: { quizId, user: { variants: { none: { quizItemId } } } },
    select: { userId: true },
  });
  return rows.map((r) => r.userId);
}

/**
 * Personal variants for many students in one statement (one commit). Throws on a unique violation
 * (a student created theirs meanwhile); the caller then leaves the rest to be created on first view.
 */
export async function insertQuizVariants(db: Db, quizItemId: number, variants: { userId: number; variant: NewVariant }[]): Promise<number> {
  if (variants.length === 0) return 0;
  const r = await db.variant.createMany({ data: variants.map((v) => ({ ...variantColumns(v.variant), quizItemId, userId: v.userId })) });
  return r.count;
}

function toStoredResponse(r: { userId: number; raw: string; parsed: string; results: string; score: number; createdAt: Date }): StoredResponse {
  return {
    userId: r.userId,
    raw: JSON.parse(r.raw) as Record<string, unknown>,
    parsed: JSON.parse(r.parsed) as Record<string, unknown>,
    results: JSON.parse(r.results) as StoredResponse["results"],
    score: r.score,
    createdAt: r.createdAt,
  };
}

export async function selectOptionalQuizResponse(db: Db, quizItemId: number, userId: number): Promise<StoredResponse | null> {
  const direct = directStatement(db, `SELECT userId, raw, parsed, results, score, createdAt FROM QuizResponse WHERE quizItemId = ? AND userId = ?`);
  if (direct) {
    const row = direct.get(quizItemId, userId) as (Omit<Parameters<typeof toStoredResponse>[0], "createdAt"> & { createdAt: string | number }) | undefined;
    return row ? toStoredResponse({ ...row, createdAt: sqliteDate(row.createdAt) }) : null;
  }
  const r = await db.quizResponse.findUnique({
    where: { quizItemId_userId: { quizItemId, userId } },
    select: { userId: true, raw: true, parsed: true, results: true, score: true, createdAt: true },
  });
  return r ? toStoredResponse(r) : null;
}

export type NewQuizResponse = {
  quizId: number;
  index: number;
  quizItemId: number;
  variantId: number;
  userId: number;
  raw: Record<string, unknown>;
  parsed: Record<string, unknown>;
  results: StoredResponse["results"];
  score: number;
};

function openAnswerSelect(dialect: Dialect, r: NewQuizResponse, now: Date): Prisma.Sql {
  // CASTs: in a SELECT list (joined by UNION ALL) PostgreSQL would type bare parameters as text.
  return Prisma.sql`SELECT CAST(${r.quizId} AS INTEGER), CAST(${r.quizItemId} AS INTEGER), CAST(${r.variantId} AS INTEGER), CAST(${r.userId} AS INTEGER),
           CAST(${JSON.stringify(r.raw)} AS TEXT), CAST(${JSON.stringify(r.parsed)} AS TEXT), CAST(${JSON.stringify(r.results)} AS TEXT),
           CAST(${r.score} AS DOUBLE PRECISION), ${timestampParam(dialect, now)}
    WHERE EXISTS (
      SELECT 1 FROM "Quiz" q
      WHERE q."id" = ${r.quizId} AND q."state" = 'open' AND q."phase" = 'asking'
        AND q."currentIndex" = ${r.index} AND q."closesAt" > ${now}
    )`;
}

/**
 * Stores answers in ONE statement (one commit, so one disk sync however many arrive together). Each
 * row is inserted only if, inside the database, its question `index` is the quiz's current question,
 * still asking, and its `now` (when the server received it) is before closesAt; a student's second
 * answer to a question is skipped by the unique (quizItemId, userId). Returns how many rows were
 * stored: equal to rows.length when all were. Portable SQL (SQLite and PostgreSQL).
 */
export async function insertQuizResponsesIfOpen(db: Db, rows: { response: NewQuizResponse; now: Date }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const selects = Prisma.join(
    rows.map((r) => openAnswerSelect(dialectOf(db), r.response, r.now)),
    " UNION ALL ",
  );
  return db.$executeRaw`
    INSERT INTO "QuizResponse" ("quizId", "quizItemId", "variantId", "userId", "raw", "parsed", "results", "score", "createdAt")
    ${selects}
    ON CONFLICT ("quizItemId", "userId") DO NOTHING`;
}

/** One answer: insertQuizResponsesIfOpen for a single row. */
export async function insertQuizResponseIfOpen(db: Db, r: NewQuizResponse, now: Date): Promise<"stored" | "not-stored"> {
  return (await insertQuizResponsesIfOpen(db, [{ response: r, now }])) === 1 ? "stored" : "not-stored";
}

export async function countQuizResponses(db: Db, quizItemId: number): Promise<number> {
  return db.quizResponse.count({ where: { quizItemId } });
}

/** Every stored answer to one question, with the key of the variant it was graded against. */
export async function selectQuizItemResponses(
  db: Db,
  quizItemId: number,
): Promise<(StoredResponse & { key: Record<string, unknown> })[]> {
  const rows = await db.quizResponse.findMany({
    where: { quizItemId },
    orderBy: { id: "asc" },
    select: { userId: true, raw: true, parsed: true, results: true, score: true, createdAt: true, variant: { select: { key: true } } },
  });
  return rows.map(({ variant, ...r }) => ({ ...toStoredResponse(r), key: JSON.parse(variant.key) as Record<string, unknown> }));
}

/** One row per stored answer, for the results page and CSV export (by question, then student email). */
export async function selectQuizResultRows(db: Db, quizId: number) {
  const rows = await db.quizResponse.findMany({
    where: { quizId },
    select: {
      raw: true,
      results: true,
      score: true,
      createdAt: true,
      quizItem: { select: { position: true, exercise: true, points: true } },
      user: { select: { id: true, email: true, name: true } },
    },
  });
  return rows
    .map((r) => ({
      index: r.quizItem.position,
      exercise: r.quizItem.exercise,
      points: r.quizItem.points,
      user: r.user,
      raw: JSON.parse(r.raw) as Record<string, unknown>,
      results: JSON.parse(r.results) as StoredResponse["results"],
      score: r.score,
      createdAt: r.createdAt,
    }))
    .sort((a, b) => a.index - b.index || a.user.email.localeCompare(b.user.email));
}

/** Joined students of a quiz with their names (results page). */
export async function selectQuizParticipants(db: Db, quizId: number): Promise<{ id: number; email: string; name: string }[]> {
  const rows = await db.quizParticipant.findMany({
    where: { quizId },
    select: { user: { select: { id: true, email: true, name: true } } },
  });
  return rows.map((r) => r.user).sort((a, b) => a.email.localeCompare(b.email));
}

/**
 * The course's quizzes as gradebook columns. Each started quiz is one column worth `points` (the
 * number of questions, each QuizItem.points = 1); a student earns, per question, the graded
 * fraction of their answer (0..1) times the question's points. Students who joined but answered
 * nothing have 0; students who never joined have no entry (the gradebook shows them as missing).
 * Drafts (never started) are left out.
 *
 * @example
 *   const { quizzes, scores } = await selectQuizScores(db, courseId);
 *   for (const q of quizzes) scores.get(q.id)?.get(userId); // number | undefined
 */
export async function selectQuizScores(
  db: Db,
  courseId: number,
): Promise<{ quizzes: { id: number; title: string; points: number }[]; scores: Map<number, Map<number, number>> }> {
  const quizzes = await db.quiz.findMany({
    where: { courseId, state: { not: "draft" } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      title: true,
      state: true,
      currentIndex: true,
      items: { select: { id: true, points: true, position: true } },
      participants: { select: { userId: true } },
      responses: { select: { userId: true, quizItemId: true, score: true } },
    },
  });
  const scores = new Map<number, Map<number, number>>();
  const columns = quizzes.map((q) => {
    const pointsOf = new Map(q.items.map((i) => [i.id, i.points]));
    const earned = new Map<number, number>();
    for (const p of q.participants) earned.set(p.userId, 0);
    for (const r of q.responses) earned.set(r.userId, (earned.get(r.userId) ?? 0) + r.score * (pointsOf.get(r.quizItemId) ?? 1));
    scores.set(q.id, earned);
    return { id: q.id, title: q.title, points: countedItems(q).reduce((s, i) => s + i.points, 0) };
  });
  return { quizzes: columns, scores };
}

/**
 * The questions a quiz's points count: all of them while it runs, only those asked once it has
 * ended (a quiz ended after 2 of 5 questions is worth 2 points, not 5).
 */
function countedItems<T extends { position: number }>(quiz: { state: string; currentIndex: number; items: T[] }): T[] {
  return quiz.state === "ended" ? quiz.items.filter((i) => i.position <= quiz.currentIndex) : quiz.items;
}

/** A student's points in one quiz so far and the quiz's total points (see countedItems). */
export async function selectQuizUserScore(db: Db, quizId: number, userId: number): Promise<{ earned: number; points: number; answered: number }> {
  const [quiz, responses] = await Promise.all([
    db.quiz.findUniqueOrThrow({ where: { id: quizId }, select: { state: true, currentIndex: true, items: { select: { id: true, points: true, position: true } } } }),
    db.quizResponse.findMany({ where: { quizId, userId }, select: { quizItemId: true, score: true } }),
  ]);
  const items = quiz.items;
  const pointsOf = new Map(items.map((i) => [i.id, i.points]));
  return {
    earned: responses.reduce((s, r) => s + r.score * (pointsOf.get(r.quizItemId) ?? 1), 0),
    points: countedItems(quiz).reduce((s, i) => s + i.points, 0),
    answered: responses.length,
  };
}
