import crypto from "node:crypto";
import { Router, type Request, type Response } from "express";
import { dataAsCsv, dataAsJson, offersCarryForward, renderSolution } from "../../../exercises";
import type { Db } from "../../db/client";
import { insertStudentEnrollment, selectOptionalCourseByJoinCode } from "../../db/dashboard";
import { selectOptionalSubmissionOfVariant, selectRecentSubmissionsForVariant } from "../../db/submissions";
import { hasInstructorChosenPassword } from "../../auth/change-password";
import { selectRegradesForStudent } from "../../db/item-submissions";
import { selectVariantFor } from "../../homework/variant-access";
import { carryForwardSentence, DEFAULT_ATOL, DEFAULT_RTOL, toleranceSentence } from "../../grading";
import { answerText } from "../forms/answer-text";
import { answerPartsView } from "../forms/answer-parts";
import { examClock } from "../exam-clock";
import { createPracticeVariant, ownPracticeVariant, practiceAccess } from "../../homework/practice";
import { selectPracticeVariants } from "../../db/variants";
import { assignmentForUser, questionFor, type ItemState } from "../../homework/assignment-view";
import { studentDashboard } from "../../homework/dashboard";
import { submitAnswers, type PartFeedback } from "../../homework/submit";
import { toRecord, toStudentVariant } from "../../homework/variants";
import { HttpError, notFound } from "../../http-error";
import { joinLimiter, submitLimiter } from "../middleware/rate-limits";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";

/** Regrades that changed this student's scores, with the exercise number, so they are told. */
async function studentRegrades(db: Db, assignmentId: number, userId: number, items: { id: number }[]) {
  const rows = await selectRegradesForStudent(db, assignmentId, userId);
  return rows.map((r) => ({ itemId: r.itemId, number: items.findIndex((i) => i.id === r.itemId) + 1, attempt: r.submission.attempt, oldScore: r.oldScore, newScore: r.newScore, createdAt: r.createdAt }));
}

/** Form fields are named part_<name>; only the exercise's own part names are read. */
function answersFromForm(body: Record<string, unknown>, partNames: string[]): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const name of partNames) answers[name] = typeof body[`part_${name}`] === "string" ? body[`part_${name}`] : "";
  return answers;
}

type PageState = {
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  result?: { score: number; parts: PartFeedback[]; attempt: number };
  error?: string;
};

/** The page lists this many latest submissions: one student's thousands of attempts must not make every page longer and slower. */
export const HISTORY_SHOWN = 20;

/** The exercise page: question, downloads, inputs per part, feedback, history; the key only after reveal. */
async function renderItemPage(db: Db, req: Request, res: Response, view: Awaited<ReturnType<typeof assignmentForUser>>, state: ItemState, page: PageState = {}) {
  const variant = state.variant!;
  const question = questionFor(variant);
  const history = (await selectRecentSubmissionsForVariant(db, variant.id, HISTORY_SHOWN)).map((s) => ({
    attempt: s.attempt,
    createdAt: s.createdAt,
    score: s.score,
    raw: Object.entries(JSON.parse(s.raw) as Record<string, unknown>).map(([name, value]) => ({ name, value: answerText(value) })),
  }));
  const label = new Map(question.parts.map((p) => [p.name, p.label]));
  for (const h of history) for (const r of h.raw) Object.assign(r, { label: label.get(r.name) ?? r.name });
  const index = view.items.indexOf(state);
  const open = view.policy.status === "open" && (state.attemptsLeft === null || state.attemptsLeft > 0);
  // Focus (and so the scroll position) lands on what the submit produced: the first unreadable
  // answer, else the graded result or the refusal. Autofocus works without JavaScript.
  const { parts, firstBad } = answerPartsView(question.parts, page, state.item);
  res.status(page.errors ? 422 : page.error ? 409 : 200).render("student/item", {
    title: `${view.assignment.title}: exercise ${index + 1}`,
    assignment: view.assignment,
    policy: view.policy,
    state,
    number: index + 1,
    count: view.items.length,
    prev: view.items[index - 1]?.item.id,
    next: view.items[index + 1]?.item.id,
    questionHtml: question.html,
    parts,
    toleranceText: toleranceSentence(state.item.rtol ?? DEFAULT_RTOL, state.item.atol ?? DEFAULT_ATOL),
    carryForwardText: offersCarryForward(state.item.exercise) ? carryForwardSentence(state.item.carryForward ?? undefined) : undefined,
    focusNotice: !firstBad && (page.result !== undefined || page.error !== undefined),
    result: page.result,
    errors: page.errors,
    refusal: page.error, // not `error`: the layout's flash partial would show it a second time
    open,
    history,
    historyOlder: Math.max(0, state.attemptsUsed - history.length),
    idempotencyKey: crypto.randomUUID(),
    solutionHtml: state.reveal ? renderSolution(toRecord(variant)) : undefined,
    regrades: (await studentRegrades(db, view.assignment.id, currentUser(req).id, view.assignment.items)).filter((r) => r.itemId === state.item.id).map((r) => ({ ...r, number: undefined })),
    bestPercent: state.score,
    clock: examClock(view.policy),
    practice: await practiceBox(db, view, state, currentUser(req).id),
  });
}

/** The exercise page's practice panel: the button (or why not now) and the student's latest practice variants. */
async function practiceBox(db: Db, view: Awaited<ReturnType<typeof assignmentForUser>>, state: ItemState, userId: number) {
  if (view.assignment.practice === "never") return undefined;
  const access = await practiceAccess(db, view.assignment, view.policy);
  const recent = await selectPracticeVariants(db, state.item.id, userId, 5);
  return { available: access.ok, reason: access.ok ? undefined : access.reason, recent: recent.map((v) => ({ id: v.id, createdAt: v.createdAt })) };
}

/** A practice variant's page: labelled as practice, unlimited attempts, the worked solution on request, "another one". */
async function renderPracticePage(db: Db, req: Request, res: Response, variantId: number, page: PageState, showSolution: boolean) {
  const { ctx } = await ownPracticeVariant(db, variantId, currentUser(req).id);
  const question = questionFor(ctx.variant);
  const { parts, firstBad } = answerPartsView(question.parts, page, ctx.item);
  const attempts = (await selectRecentSubmissionsForVariant(db, variantId, HISTORY_SHOWN)).map((s) => ({ attempt: s.attempt, createdAt: s.createdAt, score: s.score }));
  const number = ctx.item.position + 1;
  res.status(page.errors ? 422 : 200).render("student/practice", {
    title: `Practice: ${ctx.assignment.title}, exercise ${number}`,
    assignment: ctx.assignment,
    item: ctx.item,
    variant: ctx.variant,
    number,
    questionHtml: question.html,
    parts,
    open: true,
    toleranceText: toleranceSentence(ctx.item.rtol ?? DEFAULT_RTOL, ctx.item.atol ?? DEFAULT_ATOL),
    focusNotice: !firstBad && page.result !== undefined,
    result: page.result,
    errors: page.errors,
    attempts,
    idempotencyKey: crypto.randomUUID(),
    solutionHtml: showSolution ? renderSolution(toRecord(ctx.variant)) : undefined,
  });
}

async function loadItem(db: Db, req: Request) {
  const view = await assignmentForUser(db, idParam(req.params.id, "assignment"), currentUser(req).id, { createVariants: true });
  const itemId = idParam(req.params.itemId, "exercise");
  const state = view.items.find((s) => s.item.id === itemId);
  if (!state) throw notFound("exercise");
  return { view, state };
}

export function studentPages(db: Db, options: { submitLimitPerMinute: number }): Router {
  const router = Router();
  router.use(["/assignments", "/join", "/variants", "/practice"], requireUser);

  router.get("/assignments", async (req, res) => {
    const courses = await studentDashboard(db, currentUser(req).id);
    res.render("student/dashboard", { title: "Your assignments", courses, joined: req.query.joined });
  });

  router.post("/join", joinLimiter(db), async (req, res) => {
    const code = String(req.body?.code ?? "").trim().toUpperCase();
    const course = /^[A-Z0-9]{4,12}$/.test(code) ? await selectOptionalCourseByJoinCode(db, code) : null;
    if (!course) {
      const courses = await studentDashboard(db, currentUser(req).id);
      res.status(404).render("student/dashboard", { title: "Your assignments", courses, joinError: "No course has that join code. Check it with your instructor.", code });
      return;
    }
    // An instructor who chose this account's password must not hold an account of another course:
    // the holder first replaces it with their own.
    if (await hasInstructorChosenPassword(db, currentUser(req).id)) {
      const courses = await studentDashboard(db, currentUser(req).id);
      res.status(409).render("student/dashboard", { title: "Your assignments", courses, joinError: "Before joining another course, choose your own password: your instructor chose the current one.", joinPasswordLink: true, code });
      return;
    }
    await insertStudentEnrollment(db, currentUser(req).id, course.id);
    res.redirect(303, `/assignments?joined=${encodeURIComponent(course.code)}`);
  });

  router.get("/assignments/:id", async (req, res, next) => {
    const view = await assignmentForUser(db, idParam(req.params.id, "assignment"), currentUser(req).id, { createVariants: false });
    if (view.role === "instructor") return next(); // the instructor's page for the same URL
    res.render("student/assignment", { title: view.assignment.title, view, clock: examClock(view.policy), regrades: await studentRegrades(db, view.assignment.id, currentUser(req).id, view.assignment.items) });
  });

  router.get("/assignments/:id/items/:itemId", async (req, res) => {
    const { view, state } = await loadItem(db, req);
    let page: PageState = {};
    const shown = Number(req.query.result);
    if (Number.isInteger(shown) && shown > 0 && shown <= 2 ** 31 - 1) {
      const s = await selectOptionalSubmissionOfVariant(db, shown, state.variant!.id);
      // The graded answers stay in the inputs, so a student corrects the wrong part and resubmits.
      if (s) page = { result: { score: s.score, parts: JSON.parse(s.results) as PartFeedback[], attempt: s.attempt }, values: JSON.parse(s.raw) as Record<string, unknown> };
    }
    await renderItemPage(db, req, res, view, state, page);
  });

  router.post("/assignments/:id/items/:itemId", submitLimiter(db, options.submitLimitPerMinute), async (req, res) => {
    const { view, state } = await loadItem(db, req);
    const partNames = questionFor(state.variant!).parts.map((p) => p.name);
    const answers = answersFromForm(req.body ?? {}, partNames);
    const key = typeof req.body?.idempotencyKey === "string" && /^[A-Za-z0-9-]{8,100}$/.test(req.body.idempotencyKey) ? req.body.idempotencyKey : undefined;
    try {
      const out = await submitAnswers(db, { variantId: state.variant!.id, userId: currentUser(req).id, answers, idempotencyKey: key });
      res.redirect(303, `/assignments/${view.assignment.id}/items/${state.item.id}?result=${out.submissionId}#result`);
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 422 && err.status !== 409)) throw err;
      const errors = err.status === 422 ? (err.details?.parts as Record<string, string>) : undefined;
      await renderItemPage(db, req, res, view, state, { values: answers, errors, error: err.status === 409 ? err.message : undefined });
    }
  });

  // Practice (src/homework/practice.ts): "Practise this" and "Another one" post here; a new variant's page follows.
  router.post("/variants/:id/practice", submitLimiter(db, options.submitLimitPerMinute), async (req, res) => {
    const variant = await createPracticeVariant(db, idParam(req.params.id, "variant"), currentUser(req).id);
    res.redirect(303, `/practice/${variant.id}`);
  });

  router.get("/practice/:id", async (req, res) => {
    const variantId = idParam(req.params.id, "variant");
    let page: PageState = {};
    const shown = Number(req.query.result);
    if (Number.isInteger(shown) && shown > 0 && shown <= 2 ** 31 - 1) {
      const s = await selectOptionalSubmissionOfVariant(db, shown, variantId);
      if (s) page = { result: { score: s.score, parts: JSON.parse(s.results) as PartFeedback[], attempt: s.attempt }, values: JSON.parse(s.raw) as Record<string, unknown> };
    }
    await renderPracticePage(db, req, res, variantId, page, req.query.solution === "1");
  });

  router.post("/practice/:id", submitLimiter(db, options.submitLimitPerMinute), async (req, res) => {
    const variantId = idParam(req.params.id, "variant");
    const { ctx } = await ownPracticeVariant(db, variantId, currentUser(req).id);
    const answers = answersFromForm(req.body ?? {}, questionFor(ctx.variant).parts.map((p) => p.name));
    const key = typeof req.body?.idempotencyKey === "string" && /^[A-Za-z0-9-]{8,100}$/.test(req.body.idempotencyKey) ? req.body.idempotencyKey : undefined;
    try {
      const out = await submitAnswers(db, { variantId, userId: currentUser(req).id, answers, idempotencyKey: key });
      res.redirect(303, `/practice/${variantId}?result=${out.submissionId}#result`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      await renderPracticePage(db, req, res, variantId, { values: answers, errors: err.details?.parts as Record<string, string> }, false);
    }
  });

  /** Data downloads: the variant's owner, or an instructor of its course. */
  router.get("/variants/:id/data.:format", async (req, res) => {
    const format = req.params.format;
    if (format !== "csv" && format !== "json") throw notFound();
    const ctx = await selectVariantFor(db, idParam(req.params.id, "variant"), currentUser(req).id, "owner-or-instructor");
    const v = toStudentVariant(ctx.variant);
    const name = `likely-${ctx.variant.exercise}-${ctx.variant.id}.${format}`;
    res.attachment(name);
    res.type(format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
    res.send(format === "csv" ? dataAsCsv(v) : dataAsJson(v));
  });

  return router;
}
