import { Router, type Request, type Response } from "express";
import { listExercises, renderSolution } from "../../../exercises";
import { barChartSvg } from "../../render";
import { deleteItem, insertItem, selectVariantCounts, updateAssignment, updateItem, type AssignmentRow } from "../../db/assignments";
import type { Db } from "../../db/client";
import { selectOptionalCourse } from "../../db/courses";
import { selectCourseStudents } from "../../db/gradebook";
import { selectRegradeLog } from "../../db/item-submissions";
import { selectSubmissionsForAssignment } from "../../db/submissions";
import { selectVariantFor } from "../../homework/variant-access";
import { selectMemberAssignment } from "../../homework/assignment-view";
import { createAssignment, resolveItems } from "../../homework/assignments";
import { itemStats } from "../../homework/item-stats";
import { regradeItem } from "../../homework/regrade";
import { assignmentInput } from "../../homework/schemas";
import { toRecord, toStudentVariant } from "../../homework/variants";
import { questionFor } from "../../homework/assignment-view";
import { requireCourseRole } from "../access";
import { assignmentFromForm, itemRows, ITEM_ROWS, paramsText } from "../forms/assignment-form";
import { HttpError, notFound } from "../../http-error";
import { currentUser, requireUser } from "../middleware/require-user";
import { describeIssue } from "../validate";
import { idParam } from "../validate";

async function instructorAssignment(db: Db, req: Request): Promise<AssignmentRow> {
  const { assignment, role } = await selectMemberAssignment(db, idParam(req.params.id, "assignment"), currentUser(req).id);
  if (role !== "instructor") throw notFound("assignment");
  return assignment;
}

function catalogueOptions() {
  return listExercises().map((e) => ({ slug: e.slug, title: e.title, topic: e.topic, params: e.params }));
}

function renderForm(res: Response, status: number, ctx: Record<string, unknown>) {
  res.status(status).render("instructor/assignment-form", { exercises: catalogueOptions(), ...ctx });
}

/** Assignment building, editing, statistics and regrading for instructors. */
export function instructorAssignmentPages(db: Db): Router {
  const router = Router();
  router.use(["/courses", "/assignments", "/variants"], requireUser);

  router.get("/courses/:courseId/assignments/new", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const course = await selectOptionalCourse(db, courseId);
    renderForm(res, 200, { title: "New assignment", course, rows: itemRows({}, catalogueOptions()), form: { kind: "homework", revealPolicy: "after-due", scorePolicy: "best" } });
  });

  router.post("/courses/:courseId/assignments", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const course = await selectOptionalCourse(db, courseId);
    const rows = itemRows(req.body ?? {}, catalogueOptions());
    try {
      const parsed = assignmentInput.safeParse(assignmentFromForm(req.body ?? {}));
      if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error.issues[0]!).replace(/^items\.(\d+)\./, (_m, i) => `Exercise ${Number(i) + 1} `));
      const id = await createAssignment(db, courseId, parsed.data);
      res.redirect(303, `/assignments/${id}?created=1`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      renderForm(res, 400, { title: "New assignment", course, rows, form: req.body, error: err.message });
    }
  });

  // Instructor's view of /assignments/:id (the student page router passes instructors on).
  router.get("/assignments/:id", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const [course, counts, submissions, students] = await Promise.all([
      selectOptionalCourse(db, assignment.courseId),
      selectVariantCounts(db, assignment.id),
      selectSubmissionsForAssignment(db, assignment.id),
      selectCourseStudents(db, assignment.courseId),
    ]);
    const items = await Promise.all(
      assignment.items.map(async (item, i) => ({ item, number: i + 1, variants: counts.get(item.id) ?? 0, stats: await itemStats(db, item), paramsText: paramsText(JSON.parse(item.params)) })),
    );
    const names = new Map(students.map((s) => [s.id, s]));
    res.render("instructor/assignment", {
      title: assignment.title,
      course,
      assignment,
      items,
      points: assignment.items.reduce((s, i) => s + i.points, 0),
      recent: submissions.slice(-20).reverse().map((s) => ({ ...s, student: names.get(s.userId) })),
      submissionCount: submissions.length,
      regrades: await selectRegradeLog(db, assignment.id),
      notice: req.query.created ? "Assignment created. Students see it now (or from its opening time)." : req.query.saved ? "Changes saved." : undefined,
    });
  });

  router.get("/assignments/:id/edit", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const counts = await selectVariantCounts(db, assignment.id);
    res.render("instructor/assignment-edit", {
      title: `Edit ${assignment.title}`,
      assignment,
      newRows: itemRows({}, catalogueOptions(), 3, assignment.items.length),
      items: assignment.items.map((item, i) => ({ item, number: i + 1, locked: (counts.get(item.id) ?? 0) > 0, paramsText: paramsText(JSON.parse(item.params)) })),
    });
  });

  router.post("/assignments/:id/edit", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { items: added, ...policy } = assignmentFromForm(body, ITEM_ROWS);
    const parsed = assignmentInput.omit({ items: true }).safeParse(policy);
    if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error.issues[0]!));
    const p = parsed.data;
    if (p.opensAt && p.dueAt && p.dueAt <= p.opensAt) throw new HttpError(400, "Due: the due date must be after the opening date");
    await updateAssignment(db, assignment.id, {
      title: p.title, kind: p.kind, opensAt: p.opensAt ?? null, dueAt: p.dueAt ?? null,
      maxAttempts: p.maxAttempts ?? null, revealPolicy: p.revealPolicy ?? assignment.revealPolicy, scorePolicy: p.scorePolicy ?? assignment.scorePolicy,
    });
    const counts = await selectVariantCounts(db, assignment.id);
    for (const item of assignment.items) {
      const prefix = `existing${item.id}_`;
      if (body[`${prefix}remove`] === "1") {
        // Removing an item students have worked on would silently drop their scores.
        if ((counts.get(item.id) ?? 0) > 0) throw new HttpError(409, `Exercise ${item.position + 1} has student variants and cannot be removed.`);
        await deleteItem(db, item.id);
        continue;
      }
      const num = (name: string) => (typeof body[prefix + name] === "string" && body[prefix + name] !== "" ? Number(body[prefix + name]) : null);
      const points = num("points") ?? item.points;
      const rtol = num("rtol");
      const atol = num("atol");
      if (![points, rtol ?? 0, atol ?? 0].every((x) => Number.isFinite(x) && x >= 0) || (rtol ?? 0) > 1) throw new HttpError(400, `Exercise ${item.position + 1}: points and tolerances must be non-negative numbers (rtol at most 1)`);
      await updateItem(db, item.id, { points, rtol, atol });
    }
    for (const item of resolveItems(added, "New exercise")) await insertItem(db, assignment.id, item);
    res.redirect(303, `/assignments/${assignment.id}?saved=1`);
  });

  router.post("/assignments/:id/items/:itemId/regrade", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const item = assignment.items.find((i) => i.id === idParam(req.params.itemId, "exercise"));
    if (!item) throw notFound("exercise");
    const result = await regradeItem(db, item, currentUser(req).id);
    res.render("instructor/regrade", { title: "Regrade", assignment, item, number: assignment.items.indexOf(item) + 1, result });
  });

  router.get("/assignments/:id/items/:itemId/stats", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const item = assignment.items.find((i) => i.id === idParam(req.params.itemId, "exercise"));
    if (!item) throw notFound("exercise");
    const stats = await itemStats(db, item);
    res.render("instructor/item-stats", {
      title: "Exercise statistics",
      assignment,
      item,
      number: assignment.items.indexOf(item) + 1,
      stats,
      chart: barChartSvg(stats.distribution, { title: "Students by counted score", yLabel: "students" }),
    });
  });

  /** A student's variant as the instructor sees it: question, key and worked solution. */
  router.get("/variants/:id", async (req, res) => {
    const ctx = await selectVariantFor(db, idParam(req.params.id, "variant"), currentUser(req).id, "instructor");
    const record = toRecord(ctx.variant);
    res.render("instructor/variant", {
      title: `Variant ${ctx.variant.id}`,
      ctx,
      questionHtml: questionFor(ctx.variant).html,
      solutionHtml: renderSolution(record),
      student: toStudentVariant(ctx.variant),
    });
  });

  return router;
}
