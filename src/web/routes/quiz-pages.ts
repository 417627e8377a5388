import express, { Router, type Request, type Response } from "express";
import { csvLayout, givenDataSlugs, listExercises, parseParametrisationText } from "../../../exercises";
import { givenDataFields } from "../forms/assignment-form";
import type { Config } from "../../config";
import type { Db } from "../../db/client";
import { selectOptionalCourse, selectOptionalCourseRole } from "../../db/courses";
import { selectOptionalQuizByJoinCode, selectQuizParticipants, selectQuizzesForCourse } from "../../db/quizzes";
import { toCsv } from "../../quiz/csv";
import { quizDefaults } from "../../quiz/defaults";
import { parametrisationOptions } from "../forms/assignment-form";
import { answerBody, createQuizBody, joinBody } from "../../quiz/schemas";
import {
  createQuiz,
  histogramFor,
  joinQuiz,
  openStream,
  presenterState,
  quizDeps,
  quizResults,
  quizStatus,
  requireInstructorQuiz,
  requireParticipantQuiz,
  RESULTS_CSV_HEADER,
  resultCsvCells,
  resultRows,
  runAction,
  studentCurrent,
  submitAnswer,
} from "../../quiz/service";
import { presenterView, shownGroups } from "../../quiz/presenter-view";
import type { QuizAction } from "../../quiz/state";
import { formatNumber } from "../../render";
import { requireCourseRole } from "../access";
import { HttpError } from "../../http-error";
import { limitJsonDepth } from "../middleware/json-depth";
import { joinLimiter } from "../middleware/rate-limits";
import { currentUser, requireUser } from "../middleware/require-user";
import { describeIssue, idParam, parseInput } from "../validate";

/** Rows of the create form (exercise + parameters per question). */
const FORM_ROWS = 5;
const QUIZ_CSS = "/static/css/quiz.css";

/** Where QR codes and join links point: LIKELY_PUBLIC_URL, else the origin this request came to. */
function publicOrigin(config: Config, req: Request): string {
  return config.publicUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** Requests from the page scripts (JSON, event streams) rather than a person navigating. */
function fromScript(req: Request): boolean {
  const accept = req.get("accept") ?? "";
  return /\/(state|events|answers)$/.test(req.path) || accept.includes("application/json") || accept.includes("text/event-stream");
}

/** Pages send anonymous visitors to sign in; the scripts' endpoints answer 401 instead of redirecting. */
function signedIn(req: Request, res: Response, next: express.NextFunction): void {
  if (req.user || !fromScript(req)) return requireUser(req, res, next);
  next(new HttpError(401, "sign in first: your session has ended"));
}

/** "n=6, d=1" (or "n: 6; d 1") to {n: "6", d: "1"}; the exercise's schema reads the numbers. */
export function parseParamsText(text: string, row: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const trimmed = text.trim();
  if (trimmed === "") return out;
  for (const pair of trimmed.split(/[,;]+/)) {
    if (pair.trim() === "") continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:=|:|\s)\s*(\S+)\s*$/.exec(pair);
    if (!m) throw new HttpError(400, `question ${row}: cannot read parameters "${pair.trim()}"; write them like n=6, d=1`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

type FormValues = { title: string; secondsPerQuestion: string; data: string; rows: { exercise: string; params: string; parametrisation: string; givenData: string }[] };

function emptyForm(): FormValues {
  return { title: "", secondsPerQuestion: "60", data: "shared", rows: Array.from({ length: FORM_ROWS }, () => ({ exercise: "", params: "", parametrisation: "", givenData: "" })) };
}

function readForm(body: Record<string, unknown>): FormValues {
  const s = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    title: s(body.title),
    secondsPerQuestion: s(body.secondsPerQuestion),
    data: s(body.data) === "personal" ? "personal" : "shared",
    rows: Array.from({ length: FORM_ROWS }, (_, i) => ({
      exercise: s(body[`exercise${i + 1}`]),
      params: s(body[`params${i + 1}`]),
      parametrisation: s(body[`parametrisation${i + 1}`]),
      // An uploaded file's text is kept in the text area, so nothing is lost on an error.
      givenData: s(body[`datafile${i + 1}`]).trim() !== "" ? s(body[`datafile${i + 1}`]) : s(body[`data${i + 1}`]),
    })),
  };
}

/** A row's "asks for" select as the API's item field (checked against the exercise when the quiz is created). */
function parametrisationOfRow(text: string, row: number): Record<string, string> | undefined {
  const r = parseParametrisationText(text);
  if (!r.ok) throw new HttpError(400, `question ${row} asks for: ${r.message}`);
  return r.value;
}

/** The form's values as the API body; errors name the form field. */
function formToBody(form: FormValues) {
  const items = form.rows
    .map((r, i) => ({ row: i + 1, ...r }))
    .filter((r) => r.exercise !== "")
    .map((r) => ({
      exercise: r.exercise,
      params: parseParamsText(r.params, r.row),
      parametrisation: parametrisationOfRow(r.parametrisation, r.row),
      ...givenDataFields({ data: r.givenData }, { text: "data", file: "" }, r.exercise, `question ${r.row} data`),
    }));
  if (items.length === 0) throw new HttpError(400, "choose at least one exercise");
  const seconds = Number(form.secondsPerQuestion);
  const candidate = {
    title: form.title,
    items,
    secondsPerQuestion: form.secondsPerQuestion.trim() === "" || !Number.isFinite(seconds) ? form.secondsPerQuestion : seconds,
    sharedData: form.data !== "personal",
  };
  const parsed = createQuizBody.safeParse(candidate);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error.issues[0]!));
  return parsed.data;
}

function catalogue() {
  return listExercises().map((e) => {
    const defaults = quizDefaults(e.slug);
    return {
      slug: e.slug,
      title: e.title,
      topic: e.topic,
      params: e.params.map((p) => ({
        name: p.name,
        label: p.label,
        range: p.kind === "choice" ? p.choices.join(" / ") : `${p.min}–${p.max}`,
        quizDefault: String(defaults[p.name] ?? p.default),
      })),
    };
  });
}

function groupedCatalogue(selected: string) {
  const topics = new Map<string, { slug: string; title: string; selected: boolean }[]>();
  for (const e of listExercises()) {
    const list = topics.get(e.topic) ?? [];
    list.push({ slug: e.slug, title: e.title, selected: e.slug === selected });
    topics.set(e.topic, list);
  }
  return [...topics.entries()].map(([topic, exercises]) => ({ topic, exercises }));
}

const STATE_LABELS: Record<string, string> = { draft: "not started", open: "running", ended: "ended" };

/** Instructor and student pages of the live quiz, and the JSON/SSE endpoints their scripts use. */
export function quizPages(db: Db, config: Config): Router {
  const deps = quizDeps(db);
  const router = Router();
  router.use(["/quiz", "/quizzes", "/courses/:courseId/quizzes"], signedIn);

  // ---- Instructor: list and create.
  async function renderList(req: Request, res: Response, courseId: number, form: FormValues, error?: string) {
    const [course, quizzes] = await Promise.all([selectOptionalCourse(db, courseId), selectQuizzesForCourse(db, courseId)]);
    res.render("quiz/list", {
      layout: "../quiz/layout",
      title: "Live quizzes",
      styles: [QUIZ_CSS],
      course,
      quizzes: quizzes.map((q) => ({ ...q, stateLabel: STATE_LABELS[q.state] ?? q.state, running: q.state === "open", ended: q.state === "ended" })),
      form: {
        ...form,
        shared: form.data !== "personal",
        rows: form.rows.map((r, i) => ({ ...r, n: i + 1, groups: groupedCatalogue(r.exercise), parametrisationOptions: parametrisationOptions(r.parametrisation) })),
      },
      catalogue: catalogue(),
      dataLayouts: givenDataSlugs().map((slug) => ({ slug, title: listExercises().find((e) => e.slug === slug)?.title ?? slug, layout: csvLayout(slug) ?? "JSON only (paste a JSON object, as in likely exercises show)" })),
      error,
    });
  }

  router.get("/courses/:courseId/quizzes", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    await renderList(req, res, courseId, emptyForm());
  });

  router.post("/courses/:courseId/quizzes", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const form = readForm((req.body ?? {}) as Record<string, unknown>);
    let created: { id: number };
    try {
      created = await createQuiz(db, courseId, formToBody(form));
    } catch (err) {
      if (err instanceof HttpError && err.status === 400) {
        res.status(400);
        return renderList(req, res, courseId, form, err.message);
      }
      throw err;
    }
    res.redirect(303, `/quizzes/${created.id}/present`);
  });

  // ---- Instructor: presenter view, its state and events, the controls.
  router.get("/quizzes/:id/present", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    const state = await presenterState(deps, quiz, publicOrigin(config, req));
    res.render("quiz/present", {
      layout: "../quiz/layout",
      title: `${quiz.title} · presenter`,
      bodyClass: "quiz-present",
      presenter: true,
      bare: true,
      styles: [QUIZ_CSS],
      scripts: ["/static/js/quiz-common.js", "/static/js/quiz-present.js"],
      quiz,
      state,
      view: presenterView(state),
      isDraft: quiz.state === "draft",
    });
  });

  router.get("/quizzes/:id/present/state", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    res.set("Cache-Control", "no-store").json(await presenterState(deps, quiz, publicOrigin(config, req)));
  });

  router.get("/quizzes/:id/present/events", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    await openStream(deps, quiz, "presenter", currentUser(req).id, res);
  });

  for (const action of ["start", "next", "reveal", "end"] as QuizAction[]) {
    router.post(`/quizzes/:id/${action}`, async (req, res) => {
        const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
      const wantsJson = req.get("accept")?.includes("application/json") ?? false;
      try {
        const updated = await runAction(deps, quiz, action);
        if (wantsJson) return void res.json(quizStatus(updated));
      } catch (err) {
        // A form post (no script) that is refused goes back to the presenter view, which shows the state as it is.
        if (wantsJson || !(err instanceof HttpError) || err.status !== 409) throw err;
      }
      res.redirect(303, `/quizzes/${quiz.id}/present`);
    });
  }

  // ---- Instructor: results page and CSV.
  router.get("/quizzes/:id/results", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    const [results, rows, participants] = await Promise.all([quizResults(deps, quiz), resultRows(db, quiz.id), selectQuizParticipants(db, quiz.id)]);
    const course = await selectOptionalCourse(db, quiz.courseId);
    res.render("quiz/results", {
      layout: "../quiz/layout",
      title: `${quiz.title} · results`,
      styles: [QUIZ_CSS],
      quiz,
      course,
      ended: quiz.state === "ended",
      participants: participants.length,
      questions: results.questions.map((q) => ({
        ...q,
        number: q.index + 1,
        sharePercent: q.shareCorrect === null ? "–" : `${Math.round(q.shareCorrect * 100)}%`,
        // Every answer part, each with its histogram and mistake groups (not only the first part).
        parts: q.parts.map((p) => ({
          ...p,
          histogramSvg: q.responses > 0 ? histogramFor(p.histogram, `Answers: ${p.histogram.axisLabel}`) : "",
          correctText: p.histogram.correct !== null && p.histogram.mode === "value" ? formatNumber(p.histogram.correct) : null,
          groups: shownGroups(p.groups),
        })),
        rows: rows.filter((r) => r.index === q.index).map((r) => ({ ...r, ok: r.correct === "yes" })),
      })),
    });
  });

  router.get("/quizzes/:id/results.csv", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    const csv = toCsv(RESULTS_CSV_HEADER, resultCsvCells(await resultRows(db, quiz.id)));
    const name = quiz.title.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "quiz";
    res.set("Content-Type", "text/csv; charset=utf-8");
    res.set("Content-Disposition", `attachment; filename="${name}-${quiz.id}-results.csv"`);
    res.send("\uFEFF" + csv);
  });

  // ---- Students: join, the live page, its state, events and answers.
  router.get("/quiz", (req, res) => {
    const code = typeof req.query.code === "string" ? req.query.code.trim().toUpperCase().slice(0, 12) : "";
    res.render("quiz/join", { layout: "../quiz/layout", title: "Join a quiz", styles: [QUIZ_CSS], code, fromLink: code !== "" });
  });

  router.post("/quiz/join", joinLimiter(db), async (req, res) => {
    const raw = typeof req.body?.code === "string" ? (req.body.code as string) : "";
    const parsed = joinBody.safeParse({ code: raw });
    const fail = (message: string, status: number) =>
      res.status(status).render("quiz/join", { layout: "../quiz/layout", title: "Join a quiz", styles: [QUIZ_CSS], code: raw.trim().toUpperCase().slice(0, 12), error: message });
    if (!parsed.success) return fail("A join code is 4 to 12 letters and digits, as shown on the projector.", 400);
    try {
      const { quizId } = await joinQuiz(deps, currentUser(req).id, parsed.data.code);
      res.redirect(303, `/quiz/${quizId}`);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        // The course's instructor typing the code (to try it out) is sent to the presenter view.
        const quiz = await selectOptionalQuizByJoinCode(db, parsed.data.code);
        if (quiz && (await selectOptionalCourseRole(db, currentUser(req).id, quiz.courseId)) === "instructor") {
          return res.redirect(303, `/quizzes/${quiz.id}/present`);
        }
        return fail(`No running quiz with the code ${parsed.data.code} in your courses. Check the code on the projector.`, 404);
      }
      throw err;
    }
  });

  router.get("/quiz/:id", async (req, res) => {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    res.render("quiz/student", {
      layout: "../quiz/layout",
      title: quiz.title,
      bodyClass: "quiz-student",
      bare: true,
      styles: [QUIZ_CSS],
      scripts: ["/static/js/quiz-common.js", "/static/js/quiz-student.js"],
      quiz,
    });
  });

  router.get("/quiz/:id/state", async (req, res) => {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    res.set("Cache-Control", "no-store").json(await studentCurrent(deps, quiz, user.id));
  });

  router.get("/quiz/:id/events", async (req, res) => {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    await openStream(deps, quiz, "student", user.id, res);
  });

  router.post("/quiz/:id/answers", express.json({ limit: "100kb", strict: true }), limitJsonDepth, async (req, res) => {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    const body = parseInput(answerBody, req.body);
    res.status(201).json(await submitAnswer(deps, quiz, user.id, body));
  });

  return router;
}
