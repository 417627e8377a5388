import { Router } from "express";
import { offersCarryForward, renderSolution } from "../../../../exercises";
import { DEFAULT_CARRY_FORWARD } from "../../../grading";
import type { Db } from "../../../db/client";
import { selectAssignmentsForCourse, selectOptionalAssignment } from "../../../db/assignments";
import { selectSubmissionsForAssignment } from "../../../db/submissions";
import { selectVariantFor } from "../../../homework/variant-access";
import { assignmentForUser, questionFor, selectMemberAssignment } from "../../../homework/assignment-view";
import { createAssignment, givenDataWarnings } from "../../../homework/assignments";
import { buildGradebook } from "../../../homework/gradebook";
import { assignmentInput, submissionInput } from "../../../homework/schemas";
import { submitAnswers } from "../../../homework/submit";
import { createPracticeVariant, ownPracticeVariant, ownVariantSolution, practiceAccess } from "../../../homework/practice";
import { toRecord, toStudentVariant } from "../../../homework/variants";
import { requireCourseRole } from "../../access";
import { notFound } from "../../../http-error";
import { submitLimiter } from "../../middleware/rate-limits";
import { currentUser } from "../../middleware/require-user";
import { idParam, parseInput } from "../../validate";
import type { GradebookSource } from "../../gradebook-source";

/** The homework part of the JSON API (CONTRACTS.md). Every route answers 404 for what is not the caller's. */
export function homeworkApi(db: Db, options: { submitLimitPerMinute: number; gradebookExtras?: GradebookSource }): Router {
  const router = Router();

  router.post("/courses/:courseId/assignments", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const input = parseInput(assignmentInput, req.body);
    const id = await createAssignment(db, courseId, input);
    // Given data cannot be redrawn: say which known mistakes it cannot tell from the key.
    const warnings = (await selectOptionalAssignment(db, id))!.items.flatMap((item, i) => givenDataWarnings(item).map((message) => ({ item: i, message })));
    res.status(201).json(warnings.length > 0 ? { id, warnings } : { id });
  });

  router.get("/courses/:courseId/assignments", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    const role = await requireCourseRole(db, currentUser(req).id, courseId);
    const now = new Date();
    const list = (await selectAssignmentsForCourse(db, courseId)).filter((a) => role === "instructor" || !a.opensAt || a.opensAt <= now);
    res.json(list.map((a) => ({ id: a.id, title: a.title, kind: a.kind, opensAt: a.opensAt, dueAt: a.dueAt, maxAttempts: a.maxAttempts })));
  });

  router.get("/assignments/:id", async (req, res) => {
    const view = await assignmentForUser(db, idParam(req.params.id, "assignment"), currentUser(req).id, { createVariants: true });
    res.json({
      id: view.assignment.id,
      title: view.assignment.title,
      kind: view.assignment.kind,
      dueAt: view.policy.dueAt,
      status: view.policy.status,
      timeLimitMinutes: view.assignment.timeLimitMinutes,
      // Timed: this caller's clock (started by their first view), ending at the latest at the due date.
      startedAt: view.policy.startedAt,
      endsAt: view.policy.endsAt,
      practice: view.assignment.practice,
      practiceAvailable: (await practiceAccess(db, view.assignment, view.policy)).ok,
      points: view.points,
      earned: view.earned,
      items: view.items.map((s) => {
        const question = questionFor(s.variant!);
        return {
          itemId: s.item.id,
          exercise: s.item.exercise,
          variantId: s.variant!.id,
          points: s.item.points,
          // Share of points for an answer carried forward from a wrong earlier part (exercises that offer it).
          ...(offersCarryForward(s.item.exercise) ? { carryForward: s.item.carryForward ?? DEFAULT_CARRY_FORWARD } : {}),
          prompt: question.html,
          data: toStudentVariant(s.variant!).data,
          parts: question.parts.map(({ name, label, shape }) => ({ name, label, shape })),
          attemptsUsed: s.attemptsUsed,
          attemptsLeft: s.attemptsLeft,
          score: s.score,
          ...(s.reveal ? { key: toRecord(s.variant!).key } : {}),
        };
      }),
    });
  });

  router.post("/variants/:id/submissions", submitLimiter(db, options.submitLimitPerMinute), async (req, res) => {
    const variantId = idParam(req.params.id, "variant");
    const input = parseInput(submissionInput, req.body);
    const out = await submitAnswers(db, { variantId, userId: currentUser(req).id, answers: input.answers, idempotencyKey: input.idempotencyKey });
    res.status(out.duplicate ? 200 : 201).json({
      submissionId: out.submissionId,
      score: out.score,
      parts: out.parts,
      attemptsUsed: out.attemptsUsed,
      attemptsLeft: out.attemptsLeft,
    });
  });

  // Practice: a fresh variant of the same exercise for the variant's owner; never graded.
  router.post("/variants/:id/practice", submitLimiter(db, options.submitLimitPerMinute), async (req, res) => {
    const variant = await createPracticeVariant(db, idParam(req.params.id, "variant"), currentUser(req).id);
    res.status(201).json({ variantId: variant.id });
  });

  router.get("/variants/:id/practice", async (req, res) => {
    const { ctx } = await ownPracticeVariant(db, idParam(req.params.id, "variant"), currentUser(req).id);
    const question = questionFor(ctx.variant);
    res.json({
      variantId: ctx.variant.id,
      assignmentId: ctx.assignment.id,
      itemId: ctx.item.id,
      exercise: ctx.variant.exercise,
      practice: true,
      prompt: question.html,
      data: toStudentVariant(ctx.variant).data,
      parts: question.parts.map(({ name, label, shape }) => ({ name, label, shape })),
    });
  });

  router.get("/variants/:id/solution", async (req, res) => {
    const { record } = await ownVariantSolution(db, idParam(req.params.id, "variant"), currentUser(req).id);
    res.json({ key: record.key, solution: record.solution });
  });

  router.get("/variants/:id/key", async (req, res) => {
    const ctx = await selectVariantFor(db, idParam(req.params.id, "variant"), currentUser(req).id, "instructor");
    const record = toRecord(ctx.variant);
    res.json({ key: record.key, solution: record.solution, solutionHtml: renderSolution(record) });
  });

  router.get("/assignments/:id/submissions", async (req, res) => {
    const { assignment, role } = await selectMemberAssignment(db, idParam(req.params.id, "assignment"), currentUser(req).id);
    if (role !== "instructor") throw notFound("assignment");
    const rows = await selectSubmissionsForAssignment(db, assignment.id);
    res.json(rows.map((s) => ({ id: s.id, variantId: s.variantId, itemId: s.itemId, userId: s.userId, attempt: s.attempt, score: s.score, createdAt: s.createdAt })));
  });

  router.get("/courses/:courseId/gradebook", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    res.json(await buildGradebook(db, courseId, await options.gradebookExtras?.(courseId)));
  });

  return router;
}
