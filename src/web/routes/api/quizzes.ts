import { Router, type RequestHandler } from "express";
import type { Db } from "../../../db/client";
import { selectOptionalCourseRole } from "../../../db/courses";
import { selectIsQuizParticipant, selectQuizzesForCourse } from "../../../db/quizzes";
import { answerBody, createQuizBody, joinBody } from "../../../quiz/schemas";
import {
  createQuiz,
  joinQuiz,
  loadQuiz,
  openStream,
  quizDeps,
  quizResults,
  requireInstructorQuiz,
  requireParticipantQuiz,
  runAction,
  studentCurrent,
  submitAnswer,
} from "../../../quiz/service";
import type { QuizAction } from "../../../quiz/state";
import { requireCourseRole } from "../../access";
import { notFound } from "../../../http-error";
import { joinLimiter } from "../../middleware/rate-limits";
import { currentUser } from "../../middleware/require-user";
import { idParam, parseInput } from "../../validate";

/** The live quiz's JSON API (bearer tokens; mounted after requireBearer). */
export function quizApi(db: Db): Router {
  const deps = quizDeps(db);
  const router = Router();

  router.post("/courses/:courseId/quizzes", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const body = parseInput(createQuizBody, req.body);
    const { id } = await createQuiz(db, courseId, body);
    res.status(201).json({ id });
  });

  router.get("/courses/:courseId/quizzes", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const quizzes = await selectQuizzesForCourse(db, courseId);
    res.json(
      quizzes.map((q) => ({
        id: q.id,
        title: q.title,
        state: q.state,
        questions: q.questions,
        participants: q.participants,
        secondsPerQuestion: q.secondsPerQuestion,
        sharedData: q.sharedData,
        joinCode: q.joinCode,
      })),
    );
  });

  const actions: Record<QuizAction, (q: Awaited<ReturnType<typeof runAction>>) => unknown> = {
    start: (q) => ({ joinCode: q.joinCode }),
    next: (q) => ({ index: q.currentIndex, closesAt: q.closesAt?.toISOString() ?? null }),
    reveal: (q) => ({ index: q.currentIndex, state: "revealed" }),
    end: () => ({ state: "ended" }),
  };
  for (const [action, reply] of Object.entries(actions) as [QuizAction, (typeof actions)[QuizAction]][]) {
    router.post(`/quizzes/:id/${action}`, async (req, res) => {
      const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
      res.json(reply(await runAction(deps, quiz, action)));
    });
  }

  router.post("/quiz-join", joinLimiter(db), async (req, res) => {
    const { code } = parseInput(joinBody, req.body);
    res.json(await joinQuiz(deps, currentUser(req).id, code));
  });

  router.get("/quizzes/:id/current", async (req, res) => {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    res.set("Cache-Control", "no-store").json(await studentCurrent(deps, quiz, user.id));
  });

  // POST /quizzes/:id/answers is mounted by createApp ahead of the general stack: see postQuizAnswer.

  router.get("/quizzes/:id/results", async (req, res) => {
    const quiz = await requireInstructorQuiz(deps, currentUser(req).id, idParam(req.params.id, "quiz"));
    res.json(await quizResults(deps, quiz));
  });

  /** Server-Sent Events: the presenter stream for the course's instructors, the student stream for joined students. */
  router.get("/quizzes/:id/events", async (req, res) => {
    const user = currentUser(req);
    const quiz = await loadQuiz(deps, idParam(req.params.id, "quiz"));
    if (!quiz) throw notFound("quiz");
    const role = await selectOptionalCourseRole(db, user.id, quiz.courseId);
    if (role === "instructor") return openStream(deps, quiz, "presenter", user.id, res);
    if (role === "student" && (await selectIsQuizParticipant(db, quiz.id, user.id))) return openStream(deps, quiz, "student", user.id, res);
    throw notFound("quiz");
  });

  return router;
}

/** The path of a student's quiz answer, whose route createApp mounts ahead of the general middleware stack. */
export const QUIZ_ANSWERS_PATH = "/api/v1/quizzes/:id/answers";

/**
 * POST /api/v1/quizzes/:id/answers, after the API's JSON body parser, depth bound and bearer check
 * (createApp runs those for this path only, then this). A class sends its answers within the same
 * second; walking the API's other routers first cost ~8% of a burst's CPU.
 */
export function postQuizAnswer(db: Db): RequestHandler {
  const deps = quizDeps(db);
  return async function quizAnswer(req, res) {
    const user = currentUser(req);
    const quiz = await requireParticipantQuiz(deps, user.id, idParam(req.params.id, "quiz"));
    const body = parseInput(answerBody, req.body);
    const ack = await submitAnswer(deps, quiz, user.id, body);
    // As res.json, without hashing the body for an ETag no client of a POST uses.
    res.status(201).setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify(ack));
  };
}
