/**
 * The live quiz's operations, shared by the JSON API (bearer tokens) and the pages (cookie
 * sessions). Every decision reads the database; the event hub only tells clients to re-fetch.
 */
import { countQuizAnswer } from "../ops/metrics";
import type { Response } from "express";
import { createVariant, createVariantFromData, ExerciseError, getExercise, gradeVariant, listExercises, ParametrisationError, withParametrisation } from "../../exercises";
import { resolveGivenData } from "../homework/assignments";
import { joinCode as drawJoinCode } from "../auth/secrets";
import type { Db } from "../db/client";
import { selectOptionalCourseRole } from "../db/courses";
import { busFor, type NotifyBus } from "../db/notify-bus";
import { countQuizUnreadable, upsertQuizUnreadable } from "../db/quiz-unreadable";
import {
  countQuizParticipants,
  countQuizResponses,
  insertQuiz,
  selectIsQuizParticipant,
  selectOptionalQuizByJoinCode,
  selectOptionalQuizResponse,
  selectQuizItemResponses,
  selectQuizResultRows,
  selectQuizUserScore,
  updateQuizTransition,
  upsertQuizParticipant,
  type QuizRecord,
  type QuizTransition,
  type StoredResponse,
} from "../db/quizzes";
import type { PartSpec, Value } from "../grading";
import { formatNumber, histogramSvg } from "../render";
import { HttpError, notFound } from "../http-error";
import { MAX_JSON_DEPTH } from "../json-depth";
import { answerWriterFor, type AnswerWriter } from "./answer-writer";
import { cacheFor, type QuizCache } from "./cache";
import { hubFor, sseMessage, type Audience, type QuizHub } from "./event-hub";
import { resolveQuizParams } from "./defaults";
import { joinUrl, qrSvg } from "./qr";
import { questionStats, type AnswerGroup, type HistogramData, type PartStats } from "./results";
import { answerRefusal, planAction, quizView, type QuizAction, type QuizView } from "./state";
import { newSeed, precreatePersonalVariants, presenterQuestion, renderStored, toNewVariant, toVariantRecord, variantForStudent } from "./variants";

export type QuizDeps = { db: Db; hub: QuizHub; cache: QuizCache; answers: AnswerWriter; bus: NotifyBus };

/** What travels between processes about a quiz (src/db/notify-bus.ts): which quiz, and what to re-read. */
type QuizNews = { quizId: number; kind: "state" | "count" };

const listening = new WeakSet<QuizHub>();

/** The dependencies of one application: its database, and the hub and cache shared by its API and pages. */
export function quizDeps(db: Db): QuizDeps {
  const deps = { db, hub: hubFor(db), cache: cacheFor(db), answers: answerWriterFor(db), bus: busFor(db) };
  if (!listening.has(deps.hub)) {
    listening.add(deps.hub);
    listenForNews(deps);
  }
  return deps;
}

/**
 * Other processes' quiz news, announced to this process's streams (re-read from the database).
 * After the bus reconnects, every quiz with a stream here is announced again: news may have been lost.
 */
function listenForNews(deps: QuizDeps): void {
  deps.bus.subscribe("quiz", (data, fromThisProcess) => {
    const news = data as QuizNews;
    if (fromThisProcess || typeof news.quizId !== "number" || deps.hub.subscriberCount(news.quizId) === 0) return;
    if (news.kind === "state") void announceHere(deps, news.quizId).catch(logFailure("state announcement"));
    else void publishCountsHere(deps, news.quizId).catch(logFailure("count update"));
  });
  deps.bus.onResync(() => {
    for (const quizId of deps.hub.quizIds()) void announceHere(deps, quizId).catch(logFailure("resync"));
  });
}

/** A quiz: its running state read now, its definition and items (immutable) possibly from memory. */
export function loadQuiz(deps: QuizDeps, quizId: number): Promise<QuizRecord | null> {
  return deps.cache.loadQuiz(quizId);
}

let titles: Map<string, string> | undefined;

/** The catalogue title of an exercise slug (the slug itself for an unknown one). */
export function exerciseTitle(slug: string): string {
  titles ??= new Map(listExercises().map((e) => [e.slug, e.title]));
  return titles.get(slug) ?? slug;
}

// ---------------------------------------------------------------------------------------------
// Access: a quiz that is not the caller's answers exactly like a missing one.

/** The quiz, when the user teaches its course; otherwise 404. */
export async function requireInstructorQuiz(deps: QuizDeps, userId: number, quizId: number): Promise<QuizRecord> {
  const quiz = await loadQuiz(deps, quizId);
  if (!quiz || (await selectOptionalCourseRole(deps.db, userId, quiz.courseId)) !== "instructor") throw notFound("quiz");
  return quiz;
}

/**
 * The quiz, when the user is a student of its course who has joined it; otherwise 404. A confirmed
 * membership is trusted for MEMBER_TTL_MS (a class re-fetches at every state change).
 */
export async function requireParticipantQuiz(deps: QuizDeps, userId: number, quizId: number): Promise<QuizRecord> {
  const quiz = await loadQuiz(deps, quizId);
  if (!quiz) throw notFound("quiz");
  if (deps.cache.isMember(quiz.id, userId)) return quiz;
  const [role, joined] = await Promise.all([selectOptionalCourseRole(deps.db, userId, quiz.courseId), selectIsQuizParticipant(deps.db, quiz.id, userId)]);
  if (role !== "student" || !joined) throw notFound("quiz");
  deps.cache.rememberMember(quiz.id, userId);
  return quiz;
}

// ---------------------------------------------------------------------------------------------
// Creating and running a quiz.

export type CreateQuizInput = {
  title: string;
  items: { exercise: string; params?: Record<string, unknown>; parametrisation?: Record<string, unknown>; data?: unknown }[];
  secondsPerQuestion: number;
  sharedData: boolean;
};

/**
 * Creates a quiz. Parameters left out get quiz-sized defaults (small n, d and k at their minimum).
 * With shared data, each question's one variant is drawn now (createVariant draws data that separate
 * every known mistake from the key, so the histogram never counts a mistake as correct). Bad exercise or parameter: 400
 * naming the item.
 */
export async function createQuiz(db: Db, courseId: number, input: CreateQuizInput): Promise<{ id: number }> {
  const items = input.items.map((item, i) => {
    try {
      if (item.data !== undefined) {
        if (!getExercise(item.exercise)) throw new ExerciseError(`unknown exercise "${item.exercise}"`);
        // The same checks as an assignment item: 400 naming items.i.data.<path>.
        const given = resolveGivenData(item, i);
        const variant = createVariantFromData(item.exercise, given.data, {}, item.parametrisation).variant;
        return { exercise: item.exercise, params: given.params, data: given.data, sharedVariant: input.sharedData ? toNewVariant(variant) : undefined };
      }
      const params = resolveQuizParams(item.exercise, withParametrisation(item.params, item.parametrisation));
      const sharedVariant = input.sharedData ? toNewVariant(createVariant(item.exercise, newSeed(), params)) : undefined;
      return { exercise: item.exercise, params, sharedVariant };
    } catch (err) {
      if (err instanceof ExerciseError) {
        if (err instanceof ParametrisationError) throw new HttpError(400, `items.${i}.${err.message}`);
        const field = /^unknown exercise/.test(err.message) ? "exercise" : "params";
        throw new HttpError(400, `items.${i}.${field}: ${err.message}`);
      }
      throw err;
    }
  });
  return insertQuiz(db, { courseId, title: input.title, secondsPerQuestion: input.secondsPerQuestion, sharedData: input.sharedData, items });
}

/** The state every client receives: no question content, just what to show and when it closes. */
export type QuizStatus = {
  quizId: number;
  title: string;
  state: QuizView;
  /** 0-based index of the current question, -1 before the first. */
  index: number;
  total: number;
  secondsPerQuestion: number;
  closesAt: string | null;
  /** The server's clock when this was sent: clients correct their countdown by it. */
  serverTime: string;
};

export function quizStatus(quiz: QuizRecord, now = Date.now()): QuizStatus {
  return {
    quizId: quiz.id,
    title: quiz.title,
    state: quizView(quiz, now),
    index: quiz.currentIndex,
    total: quiz.items.length,
    secondsPerQuestion: quiz.secondsPerQuestion,
    closesAt: quiz.currentIndex >= 0 && quiz.closesAt ? quiz.closesAt.toISOString() : null,
    serverTime: new Date(now).toISOString(),
  };
}

/** Announces the quiz's state (from the database) to every stream of every process, and the counts to presenters. */
export async function publishState(deps: QuizDeps, quizId: number): Promise<void> {
  await announceHere(deps, quizId);
  if (deps.bus.shared) await deps.bus.publish("quiz", { quizId, kind: "state" } satisfies QuizNews);
}

/**
 * This process's streams get the quiz's state, and a "time is up" announcement at its closesAt
 * (each process keeps its own timer, so the close is announced even if the process that opened the
 * question has gone).
 */
async function announceHere(deps: QuizDeps, quizId: number): Promise<void> {
  const quiz = await loadQuiz(deps, quizId);
  if (!quiz) return;
  const status = quizStatus(quiz);
  deps.hub.publish(quizId, "state", status, "presenter");
  deps.hub.publish(quizId, "state", await studentEvent(deps, quiz, status), "student");
  deps.hub.publish(quizId, "count", await countPayload(deps.db, quiz), "presenter");
  scheduleCloseAnnouncement(deps, quiz);
}

function scheduleCloseAnnouncement(deps: QuizDeps, quiz: QuizRecord): void {
  if (quiz.state === "open" && quiz.phase === "asking" && quiz.closesAt && quiz.closesAt.getTime() > Date.now()) {
    deps.hub.scheduleClose(quiz.id, quiz.closesAt, () => void announceHere(deps, quiz.id).catch(logFailure("close announcement")));
  } else {
    deps.hub.cancelClose(quiz.id);
  }
}

/** The question as every student sees it, when everyone has the same data (no key, no answer). */
export type SharedQuestion = { index: number; exercise: string; exerciseTitle: string; prompt: string; data: unknown; parts: StudentPart[] };

/**
 * The students' state event. With shared data, an open question travels in the event itself, so
 * a class does not fetch the same question 300 times at once the moment it opens.
 */
async function studentEvent(deps: QuizDeps, quiz: QuizRecord, status: QuizStatus): Promise<QuizStatus & { question?: SharedQuestion }> {
  const item = quiz.items[quiz.currentIndex];
  if (!quiz.sharedData || !item || status.state !== "asking") return status;
  const variant = await deps.cache.sharedVariant(item.id);
  if (!variant) return status;
  const q = renderStored(deps.cache, variant);
  return {
    ...status,
    question: {
      index: quiz.currentIndex,
      exercise: item.exercise,
      exerciseTitle: exerciseTitle(item.exercise),
      prompt: q.html,
      data: variant.data,
      parts: q.parts.map((p) => ({ name: p.name, label: p.label, shape: p.shape })),
    },
  };
}

function logFailure(what: string) {
  return (err: unknown) => console.error(`[${new Date().toISOString()}] quiz ${what} failed:`, err);
}

export type CountPayload = { index: number; responses: number; participants: number };

export async function countPayload(db: Db, quiz: QuizRecord): Promise<CountPayload> {
  const item = quiz.items[quiz.currentIndex];
  const [responses, participants] = await Promise.all([item ? countQuizResponses(db, item.id) : 0, countQuizParticipants(db, quiz.id)]);
  return { index: quiz.currentIndex, responses, participants };
}

/** Sends presenters of every process fresh counts soon (at most 4 times a second per process, however many answers arrive). */
function announceCounts(deps: QuizDeps, quizId: number): void {
  deps.hub.throttleCount(quizId, () => {
    void publishCountsHere(deps, quizId).catch(logFailure("count update"));
    if (deps.bus.shared) void deps.bus.publish("quiz", { quizId, kind: "count" } satisfies QuizNews).catch(logFailure("count news"));
  });
}

async function publishCountsHere(deps: QuizDeps, quizId: number): Promise<void> {
  if (deps.hub.subscriberCount(quizId, "presenter") === 0) return;
  const quiz = await loadQuiz(deps, quizId);
  if (quiz) deps.hub.publish(quizId, "count", await countPayload(deps.db, quiz), "presenter");
}

/**
 * Applies start / next / reveal / end. The update is conditional on the state read, so a double
 * click advances once; the refused case is a 409 with the reason.
 */
export async function runAction(deps: QuizDeps, quiz: QuizRecord, action: QuizAction): Promise<QuizRecord> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const plan = planAction(quiz, action, quiz.items.length, Date.now());
    if (!plan.ok) throw new HttpError(409, plan.message);
    const to: QuizTransition = { ...plan.update };
    if (action === "start" && !quiz.joinCode) to.joinCode = drawJoinCode(6);
    // An ended quiz's code must not keep working (or showing): it joins nothing and is free again.
    if (action === "end") to.joinCode = null;
    const outcome = await updateQuizTransition(deps.db, quiz.id, quiz, to);
    if (outcome === "code-taken") continue;
    if (outcome === "stale") throw new HttpError(409, "the quiz changed meanwhile (another window?): reload and try again");
    const updated = (await loadQuiz(deps, quiz.id))!;
    if (action === "next" && !updated.sharedData) {
      await precreatePersonalVariants(deps.db, updated.id, updated.items[updated.currentIndex]!);
    }
    await publishState(deps, quiz.id);
    return updated;
  }
  throw new HttpError(503, "could not draw a free join code: try again");
}

/** A student joins by code. Unknown code, a draft, or not a student of the course: 404. */
export async function joinQuiz(deps: QuizDeps, userId: number, code: string): Promise<{ quizId: number }> {
  const quiz = await selectOptionalQuizByJoinCode(deps.db, code.trim().toUpperCase());
  if (!quiz || quiz.state === "draft" || (await selectOptionalCourseRole(deps.db, userId, quiz.courseId)) !== "student") {
    throw notFound("quiz");
  }
  await upsertQuizParticipant(deps.db, quiz.id, userId);
  deps.cache.rememberMember(quiz.id, userId);
  announceCounts(deps, quiz.id);
  return { quizId: quiz.id };
}

// ---------------------------------------------------------------------------------------------
// The student's view and answers.

export type StudentPart = { name: string; label: string; shape: PartSpec["shape"] };

/** A student's state: the current question (never its key before the reveal), their answer and, after the reveal, their result. */
export type StudentCurrent = QuizStatus & {
  exercise: string | null;
  exerciseTitle: string | null;
  /** Question HTML (prompt with math, data table, plot). */
  prompt: string | null;
  data: unknown;
  parts: StudentPart[] | null;
  /** The student's stored answer to this question, as typed. */
  answer: { answers: Record<string, unknown>; receivedAt: string } | null;
  /** After the reveal: their result (null if they did not answer) and the correct values. */
  result: { score: number; parts: { name: string; correct: boolean; feedback: string }[] } | null;
  key: Record<string, Value> | null;
  /** At the end: their points in this quiz. */
  summary: { earned: number; points: number; answered: number } | null;
};

export async function studentCurrent(deps: QuizDeps, quiz: QuizRecord, userId: number): Promise<StudentCurrent> {
  const status = quizStatus(quiz);
  const out: StudentCurrent = {
    ...status,
    exercise: null,
    exerciseTitle: null,
    prompt: null,
    data: null,
    parts: null,
    answer: null,
    result: null,
    key: null,
    summary: null,
  };
  if (quiz.state === "ended") out.summary = await selectQuizUserScore(deps.db, quiz.id, userId);
  const item = quiz.items[quiz.currentIndex];
  if (!item || quiz.state === "draft") return out;
  const variant = await variantForStudent(deps.db, deps.cache, quiz.sharedData, item, userId);
  const question = renderStored(deps.cache, variant);
  const response = await selectOptionalQuizResponse(deps.db, item.id, userId);
  out.exercise = item.exercise;
  out.exerciseTitle = exerciseTitle(item.exercise);
  out.prompt = question.html;
  out.data = variant.data;
  out.parts = question.parts.map((p) => ({ name: p.name, label: p.label, shape: p.shape }));
  if (response) out.answer = { answers: response.raw, receivedAt: response.createdAt.toISOString() };
  if (quiz.phase === "revealed") {
    out.key = variant.key as Record<string, Value>;
    if (response) out.result = { score: response.score, parts: response.results.map((p) => ({ name: p.name, correct: p.correct, feedback: p.feedback })) };
  }
  return out;
}

/**
 * JSON with object keys sorted: the same answers sent twice compare equal. Null past
 * MAX_JSON_DEPTH (no stored answer nests that deep, so such answers differ from it).
 */
function canonical(value: unknown, depth = 0): string | null {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (depth >= MAX_JSON_DEPTH) return null;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const v of value) {
      const c = canonical(v, depth + 1);
      if (c === null) return null;
      parts.push(c);
    }
    return `[${parts.join(",")}]`;
  }
  for (const k of Object.keys(value).sort()) {
    const c = canonical((value as Record<string, unknown>)[k], depth + 1);
    if (c === null) return null;
    parts.push(`${JSON.stringify(k)}:${c}`);
  }
  return `{${parts.join(",")}}`;
}

export type AnswerAck = { accepted: true; index: number; receivedAt: string };

function ackOrConflict(existing: StoredResponse, index: number, answers: Record<string, unknown>): AnswerAck {
  const mine = canonical(answers);
  if (mine !== null && mine === canonical(existing.raw)) return { accepted: true, index, receivedAt: existing.createdAt.toISOString() };
  throw new HttpError(409, "already answered: only your first answer to a question counts");
}

/**
 * Stores a student's answer to question `index`. Stored once per student and question: re-sending
 * the same answer returns the stored acknowledgement; a different one is 409 "already answered".
 * Late (after closesAt, reveal or end) or not the current question: 409. Unreadable: 422 with a
 * message per part, nothing stored.
 */
export async function submitAnswer(
  deps: QuizDeps,
  quiz: QuizRecord,
  userId: number,
  input: { index: number; answers: Record<string, unknown> },
): Promise<AnswerAck> {
  const item = quiz.items[input.index];
  if (!item) throw new HttpError(409, `question ${input.index + 1} is not the current question`);
  // A stored answer wins over every refusal below. It is looked up only when one applies: a first
  // answer (nearly all of a class's burst) skips the read, and an answer already stored is caught
  // by the insert's unique key, whose refusal reads it back below.
  const storedAck = async (): Promise<AnswerAck | null> => {
    const existing = await selectOptionalQuizResponse(deps.db, item.id, userId);
    return existing ? ackOrConflict(existing, input.index, input.answers) : null;
  };
  const refusal = answerRefusal(quiz, input.index, Date.now());
  if (refusal) {
    const ack = await storedAck();
    if (ack) return ack;
    throw new HttpError(409, refusal);
  }

  const variant = await variantForStudent(deps.db, deps.cache, quiz.sharedData, item, userId);
  const graded = gradeVariant(toVariantRecord(variant), input.answers);
  if (!graded.ok) {
    const ack = await storedAck();
    if (ack) return ack;
    await upsertQuizUnreadable(deps.db, item.id, userId);
    throw new HttpError(422, "some answers could not be read; nothing was stored", { parts: graded.errors });
  }
  const receivedAt = new Date();
  const stored = await deps.answers.write(
    {
      quizId: quiz.id,
      index: input.index,
      quizItemId: item.id,
      variantId: variant.id,
      userId,
      raw: input.answers,
      parsed: graded.values,
      results: graded.parts,
      score: graded.score,
    },
    receivedAt,
  );
  if (stored) {
    countQuizAnswer();
    announceCounts(deps, quiz.id);
    return { accepted: true, index: input.index, receivedAt: receivedAt.toISOString() };
  }
  // Some answer of the batch was not stored: ours, if the question closed meanwhile or a parallel
  // request of this student stored an answer first; the stored row tells.
  const again = await storedAck();
  if (again) {
    announceCounts(deps, quiz.id);
    return again;
  }
  const fresh = (await loadQuiz(deps, quiz.id)) ?? quiz;
  throw new HttpError(409, answerRefusal(fresh, input.index, Date.now()) ?? "this question has closed");
}

// ---------------------------------------------------------------------------------------------
// Results.

export type QuestionResults = {
  index: number;
  exercise: string;
  title: string;
  asked: boolean;
  responses: number;
  correct: number;
  shareCorrect: number | null;
  histogram: HistogramData;
  groups: AnswerGroup[];
  /** Each answer part: its histogram, correct count and mistake groups. */
  parts: PartStats[];
};

export async function questionResults(deps: QuizDeps, quiz: QuizRecord, index: number): Promise<QuestionResults> {
  const item = quiz.items[index]!;
  const question = await presenterQuestion(deps.cache, quiz.sharedData, item);
  const responses = await selectQuizItemResponses(deps.db, item.id);
  const stats = questionStats(responses, question.parts, !quiz.sharedData, await countQuizUnreadable(deps.db, item.id));
  return {
    index,
    exercise: item.exercise,
    title: exerciseTitle(item.exercise),
    asked: quiz.state !== "draft" && index <= quiz.currentIndex,
    ...stats,
  };
}

export async function quizResults(deps: QuizDeps, quiz: QuizRecord): Promise<{ quizId: number; title: string; questions: QuestionResults[] }> {
  const questions: QuestionResults[] = [];
  for (let i = 0; i < quiz.items.length; i++) questions.push(await questionResults(deps, quiz, i));
  return { quizId: quiz.id, title: quiz.title, questions };
}

/** "MLE of the mean" -> "mLE..." is wrong for acronyms: lower-case only a capitalised ordinary word. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

/** The projector's histogram: the class's answers with the correct value marked. */
export function histogramFor(h: HistogramData, title: string): string {
  const marker =
    h.correct === null ? undefined : { value: h.correct, label: h.mode === "value" ? `correct: ${formatNumber(h.correct)}` : "correct (error 0)" };
  return histogramSvg(h.values, { title, xLabel: h.axisLabel, marker, width: 560, height: 400 });
}

/**
 * A part's histogram for the projector: a small viewBox (so its 12-unit labels scale up to 24 px
 * and more on a 1920-wide screen) and no title inside (the panel's heading names the part).
 */
export function projectorHistogram(h: HistogramData, label: string): string {
  const marker = h.correct === null ? undefined : { value: h.correct, label: h.mode === "value" ? "correct" : "correct (0)" };
  return histogramSvg(h.values, { title: "", xLabel: h.mode === "value" ? "answer" : "answer − own correct value", marker, width: 330, height: 180, name: `Class answers: ${label}` });
}

/** A key value as the projector prints it: 4 significant digits; vectors "a, b"; matrix rows "; "-separated. */
function formatValue(v: Value): string {
  if (typeof v === "number") return formatNumber(v);
  return (v as (number | number[])[]).map((x) => (Array.isArray(x) ? x.map((y) => formatNumber(y)).join(", ") : formatNumber(x))).join(Array.isArray(v[0]) ? "; " : ", ");
}

/** A part as the reveal shows it: its histogram, correct value (shared data) and mistake groups. */
export type RevealPart = PartStats & { histogramSvg: string; correctValue: string | null };

// ---------------------------------------------------------------------------------------------
// The presenter.

export type PresenterState = QuizStatus & {
  joinCode: string | null;
  joinUrl: string | null;
  qrSvg: string | null;
  sharedData: boolean;
  participants: number;
  responses: number;
  question: { exercise: string; title: string; html: string } | null;
  reveal: (QuestionResults & { histogramSvg: string; correctLabel: string; correctValue: string | null; revealParts: RevealPart[] }) | null;
  /** When the quiz has ended: each asked question's answers and share correct. */
  summary: { index: number; title: string; responses: number; shareCorrect: number | null }[] | null;
};

export async function presenterState(deps: QuizDeps, quiz: QuizRecord, origin: string): Promise<PresenterState> {
  const status = quizStatus(quiz);
  const counts = await countPayload(deps.db, quiz);
  const url = quiz.joinCode ? joinUrl(origin, quiz.joinCode) : null;
  const item = quiz.items[quiz.currentIndex];
  let question: PresenterState["question"] = null;
  let reveal: PresenterState["reveal"] = null;
  if (item && quiz.state !== "draft") {
    const q = await presenterQuestion(deps.cache, quiz.sharedData, item);
    question = { exercise: item.exercise, title: exerciseTitle(item.exercise), html: q.html };
    if (quiz.phase === "revealed") {
      const r = await questionResults(deps, quiz, quiz.currentIndex);
      const shared = quiz.sharedData ? await deps.cache.sharedVariant(item.id) : null;
      const key = (shared?.key ?? {}) as Record<string, Value>;
      reveal = {
        ...r,
        revealParts: r.parts.map((p) => ({
          ...p,
          histogramSvg: projectorHistogram(p.histogram, p.label),
          correctValue: key[p.part] !== undefined ? formatValue(key[p.part]!) : null,
        })),
        histogramSvg: histogramFor(r.histogram, `Class answers: ${r.histogram.axisLabel}`),
        correctLabel: `Correct ${lowerFirst(r.histogram.axisLabel)}`,
        correctValue: r.histogram.mode === "value" && r.histogram.correct !== null ? formatNumber(r.histogram.correct) : null,
      };
    }
  }
  let summary: PresenterState["summary"] = null;
  if (quiz.state === "ended") {
    summary = [];
    for (let i = 0; i <= quiz.currentIndex && i < quiz.items.length; i++) {
      const r = await questionResults(deps, quiz, i);
      summary.push({ index: i, title: r.title, responses: r.responses, shareCorrect: r.shareCorrect });
    }
  }
  return {
    ...status,
    summary,
    joinCode: quiz.joinCode,
    joinUrl: url,
    qrSvg: url ? await qrSvg(url) : null,
    sharedData: quiz.sharedData,
    participants: counts.participants,
    responses: counts.responses,
    question,
    reveal,
  };
}

// ---------------------------------------------------------------------------------------------
// Event streams.

/** Opens an SSE stream; the first message is the current state (so a reconnect is a resync). */
export async function openStream(deps: QuizDeps, quiz: QuizRecord, audience: Audience, userId: number, res: Response): Promise<void> {
  const status = quizStatus(quiz);
  const first = [sseMessage("state", audience === "student" ? await studentEvent(deps, quiz, status) : status)];
  if (audience === "presenter") first.push(sseMessage("count", await countPayload(deps.db, quiz)));
  deps.hub.subscribe(quiz.id, audience, userId, res, first);
  // A process that never heard this question open (it started later) still announces its close.
  if (!deps.hub.hasCloseTimer(quiz.id)) scheduleCloseAnnouncement(deps, quiz);
}

// ---------------------------------------------------------------------------------------------
// CSV export.

/** An answer as typed: the text of a one-part answer, or "part: text; part: text". */
export function answerText(raw: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const entries = Object.entries(raw);
  if (entries.length === 1) return text(entries[0]![1]);
  return entries.map(([k, v]) => `${k}: ${text(v)}`).join("; ");
}

export const RESULTS_CSV_HEADER = ["question", "student email", "name", "answer", "correct", "score", "mistake"];

export type ResultRow = {
  index: number;
  question: string;
  email: string;
  name: string;
  answer: string;
  correct: "yes" | "partly" | "no";
  score: number;
  mistake: string;
};

/** One row per stored answer (by question, then student email). */
export async function resultRows(db: Db, quizId: number): Promise<ResultRow[]> {
  const rows = await selectQuizResultRows(db, quizId);
  return rows.map((r) => {
    const allCorrect = r.results.length > 0 && r.results.every((p) => p.correct);
    const someCorrect = r.results.some((p) => p.correct);
    return {
      index: r.index,
      question: `${r.index + 1}. ${exerciseTitle(r.exercise)}`,
      email: r.user.email,
      name: r.user.name,
      answer: answerText(r.raw),
      correct: allCorrect ? "yes" : someCorrect ? "partly" : "no",
      score: Number(r.score.toFixed(4)),
      mistake: r.results
        .filter((p) => p.mistake)
        .map((p) => `${p.name}: ${p.feedback}`)
        .join("; "),
    };
  });
}

/** CSV cells: question, student email, name, answer as typed, correct, score (0..1), mistake. */
export function resultCsvCells(rows: ResultRow[]): unknown[][] {
  return rows.map((r) => [r.question, r.email, r.name, r.answer, r.correct, r.score, r.mistake]);
}
