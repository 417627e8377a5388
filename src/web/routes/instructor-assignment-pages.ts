import { Router, type Request, type Response } from "express";
import { csvLayout, givenDataSlugs, listExercises, renderSolution } from "../../../exercises";
import { barChartSvg } from "../../render";
import { deleteItem, insertItem, selectVariantCounts, updateAssignment, updateItem, type AssignmentRow } from "../../db/assignments";
import type { Db } from "../../db/client";
import { selectOptionalCourse } from "../../db/courses";
import { selectCourseStudents, type StudentRow } from "../../db/gradebook";
import { selectStartsForAssignment } from "../../db/assignment-starts";
import { selectExtensionsForAssignment } from "../../db/extensions";
import { selectPracticeCounts } from "../../db/variants";
import { studentPolicy } from "../../homework/policy";
import { selectRegradeLog } from "../../db/item-submissions";
import { selectSubmissionsForAssignment } from "../../db/submissions";
import { selectVariantFor } from "../../homework/variant-access";
import { selectMemberAssignment } from "../../homework/assignment-view";
import { createAssignment, defaultMaxAttempts, givenDataWarnings, resolveItems } from "../../homework/assignments";
import { itemStats } from "../../homework/item-stats";
import { regradeItem } from "../../homework/regrade";
import { assignmentInput } from "../../homework/schemas";
import { toRecord, toStudentVariant } from "../../homework/variants";
import { questionFor } from "../../homework/assignment-view";
import { requireCourseRole } from "../access";
import { assignmentFromForm, formErrorOf, formIssue, itemRows, ITEM_ROWS, paramsText, type FormError } from "../forms/assignment-form";
import { notFound } from "../../http-error";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";

async function instructorAssignment(db: Db, req: Request): Promise<AssignmentRow> {
  const { assignment, role } = await selectMemberAssignment(db, idParam(req.params.id, "assignment"), currentUser(req).id);
  if (role !== "instructor") throw notFound("assignment");
  return assignment;
}

function catalogueOptions() {
  return listExercises().map((e) => ({ slug: e.slug, title: e.title, topic: e.topic, params: e.params }));
}

/** The exercises that take the instructor's own data, with their CSV layout in words (the builder's help). */
function dataLayouts() {
  const titles = new Map(listExercises().map((e) => [e.slug, e.title]));
  return givenDataSlugs().map((slug) => ({ slug, title: titles.get(slug) ?? slug, layout: csvLayout(slug) ?? "JSON only (paste a JSON object, as in likely exercises show)" }));
}

function isFormError(e: unknown): e is FormError {
  return typeof e === "object" && e !== null && !(e instanceof Error) && typeof (e as FormError).message === "string";
}

/** A field error is shown at its input; one with no input to point at goes on top of the page. */
function errorView(error?: FormError) {
  return error ? { error: error.field ? undefined : error.message, fieldError: error.field ? error : undefined } : {};
}

function renderForm(res: Response, status: number, ctx: Record<string, unknown>) {
  res.status(status).render("instructor/assignment-form", { exercises: catalogueOptions(), dataLayouts: dataLayouts(), ...ctx });
}

/** A timed assignment's started clocks (students only): who started when, when their time ends (extensions included). */
async function examClocks(db: Db, assignment: AssignmentRow, students: Map<number, StudentRow>) {
  const now = new Date();
  const extensions = new Map((await selectExtensionsForAssignment(db, assignment.id)).map((e) => [e.userId, e]));
  return (await selectStartsForAssignment(db, assignment.id))
    .filter((s) => students.has(s.userId))
    .map((s) => {
      const policy = studentPolicy(assignment, extensions.get(s.userId) ?? null, now, s.startedAt);
      return { student: s.user, startedAt: s.startedAt, endsAt: policy.endsAt, minutes: policy.minutes, extraMinutes: extensions.get(s.userId)?.extraMinutes ?? 0, running: !policy.timeUp && !policy.pastDue };
    });
}

/** Assignment building, editing, statistics and regrading for instructors. */
export function instructorAssignmentPages(db: Db): Router {
  const router = Router();
  router.use(["/courses", "/assignments", "/variants"], requireUser);

  router.get("/courses/:courseId/assignments/new", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const course = await selectOptionalCourse(db, courseId);
    renderForm(res, 200, { title: "New assignment", course, rows: itemRows({}, catalogueOptions()), form: { kind: "homework", revealPolicy: "after-due", scorePolicy: "best", practice: "after-due" } });
  });

  router.post("/courses/:courseId/assignments", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const course = await selectOptionalCourse(db, courseId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    let rowOf: number[] = [];
    try {
      const form = assignmentFromForm(body);
      rowOf = form.rowOf;
      const parsed = assignmentInput.safeParse(form.input);
      if (!parsed.success) throw formIssue(parsed.error.issues[0]!, rowOf);
      const { opensAt, dueAt } = parsed.data;
      if (opensAt && dueAt && dueAt <= opensAt) throw { message: "Due: the due date must be after the opening date", field: "dueAt" } satisfies FormError;
      const id = await createAssignment(db, courseId, parsed.data);
      res.redirect(303, `/assignments/${id}?created=1`);
    } catch (err) {
      const error = isFormError(err) ? err : formErrorOf(err, rowOf);
      // The message is shown once, at the input it is about (or on top when no input is to blame).
      renderForm(res, 400, { title: "New assignment", course, rows: itemRows(body, catalogueOptions()), form: body, ...errorView(error) });
    }
  });

  // Instructor's view of /assignments/:id (the student page router passes instructors on).
  router.get("/assignments/:id", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const [course, counts, submissions, students, practice] = await Promise.all([
      selectOptionalCourse(db, assignment.courseId),
      selectVariantCounts(db, assignment.id),
      selectSubmissionsForAssignment(db, assignment.id),
      selectCourseStudents(db, assignment.courseId),
      selectPracticeCounts(db, assignment.id),
    ]);
    const items = await Promise.all(
      assignment.items.map(async (item, i) => ({
        item,
        number: i + 1,
        variants: counts.get(item.id) ?? 0,
        stats: await itemStats(db, item),
        paramsText: paramsText(JSON.parse(item.params)),
        // Practice is counted apart and never enters the graded statistics above.
        practice: practice.get(item.id) ?? { variants: 0, submissions: 0, students: 0 },
        warnings: givenDataWarnings(item),
      })),
    );
    const names = new Map(students.map((s) => [s.id, s]));
    const clocks = assignment.timeLimitMinutes ? await examClocks(db, assignment, names) : undefined;
    // Only students' work is listed: an instructor's own preview attempts are not submissions to grade.
    const studentSubmissions = submissions.filter((s) => names.has(s.userId));
    const regraded = typeof req.query.regraded === "string" ? Number(req.query.regraded) : undefined;
    res.render("instructor/assignment", {
      title: assignment.title,
      course,
      assignment,
      items,
      points: assignment.items.reduce((s, i) => s + i.points, 0),
      recent: studentSubmissions.slice(-20).reverse().map((s) => ({ ...s, student: names.get(s.userId) })),
      submissionCount: studentSubmissions.length,
      regrades: await selectRegradeLog(db, assignment.id),
      clocks,
      practiceTotal: [...practice.values()].reduce((n, p) => n + p.variants, 0),
      notice: req.query.created
        ? "Assignment created. Students see it now (or from its opening time)."
        : req.query.saved
          ? "Changes saved."
          : regraded !== undefined && Number.isInteger(regraded)
            ? `Regrade applied: ${regraded === 1 ? "1 grade" : `${regraded} grades`} changed. The students concerned see the change on their pages.`
            : undefined,
    });
  });

  async function renderEdit(res: Response, assignment: AssignmentRow, status: number, posted?: Record<string, unknown>, error?: FormError) {
    const counts = await selectVariantCounts(db, assignment.id);
    const value = (item: AssignmentRow["items"][number], name: "points" | "rtol" | "atol" | "carryForward") =>
      posted ? (typeof posted[`existing${item.id}_${name}`] === "string" ? posted[`existing${item.id}_${name}`] : "") : item[name];
    res.status(status).render("instructor/assignment-edit", {
      title: `Edit ${assignment.title}`,
      assignment,
      form: posted ?? assignment,
      newRows: itemRows(posted ?? {}, catalogueOptions(), 3, assignment.items.length),
      dataLayouts: dataLayouts(),
      items: assignment.items.map((item, i) => ({
        item,
        number: i + 1,
        locked: (counts.get(item.id) ?? 0) > 0,
        paramsText: paramsText(JSON.parse(item.params)),
        warnings: givenDataWarnings(item),
        points: value(item, "points"),
        rtol: value(item, "rtol"),
        atol: value(item, "atol"),
        carryForward: value(item, "carryForward"),
        remove: posted?.[`existing${item.id}_remove`] === "1",
        fields: { points: `existing${item.id}_points`, rtol: `existing${item.id}_rtol`, atol: `existing${item.id}_atol`, carryForward: `existing${item.id}_carryForward`, remove: `existing${item.id}_remove` },
      })),
      ...errorView(error),
    });
  }

  router.get("/assignments/:id/edit", async (req, res) => {
    await renderEdit(res, await instructorAssignment(db, req), 200);
  });

  router.post("/assignments/:id/edit", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const offset = assignment.items.length;
    let rowOf: number[] = [];
    // Everything is checked before anything is written, so an error never leaves half an edit.
    try {
      const form = assignmentFromForm(body, ITEM_ROWS, offset);
      rowOf = form.rowOf;
      const { items: added, ...policy } = form.input;
      const parsed = assignmentInput.omit({ items: true }).safeParse(policy);
      if (!parsed.success) throw formIssue(parsed.error.issues[0]!, rowOf, offset);
      const p = parsed.data;
      if (p.opensAt && p.dueAt && p.dueAt <= p.opensAt) throw { message: "Due: the due date must be after the opening date", field: "dueAt" } satisfies FormError;
      const addedParsed = assignmentInput.shape.items.element.array().safeParse(added);
      if (!addedParsed.success) throw formIssue({ ...addedParsed.error.issues[0]!, path: ["items", ...addedParsed.error.issues[0]!.path] }, rowOf, offset);
      const newItems = resolveItems(addedParsed.data, "New exercise");
      const counts = await selectVariantCounts(db, assignment.id);
      const removals: number[] = [];
      const changes: { id: number; points: number; rtol: number | null; atol: number | null; carryForward: number | null }[] = [];
      for (const item of assignment.items) {
        const prefix = `existing${item.id}_`;
        const label = `Exercise ${item.position + 1}`;
        if (body[`${prefix}remove`] === "1") {
          // Removing an item students have worked on would silently drop their scores.
          if ((counts.get(item.id) ?? 0) > 0) throw { message: `${label} has student variants and cannot be removed.`, field: `${prefix}remove` } satisfies FormError;
          removals.push(item.id);
          continue;
        }
        const num = (name: string) => (typeof body[prefix + name] === "string" && (body[prefix + name] as string).trim() !== "" ? Number(body[prefix + name]) : null);
        const points = num("points") ?? item.points;
        const rtol = num("rtol");
        const atol = num("atol");
        const carryForward = num("carryForward");
        // The same bounds as a new item: points positive, tolerances non-negative, rtol at most 1.
        if (!(Number.isFinite(points) && points > 0 && points <= 1000)) throw { message: `${label} points: expected a positive number up to 1000`, field: `${prefix}points` } satisfies FormError;
        if (rtol !== null && !(Number.isFinite(rtol) && rtol >= 0 && rtol <= 1)) throw { message: `${label} relative tolerance: expected a number from 0 to 1`, field: `${prefix}rtol` } satisfies FormError;
        if (atol !== null && !(Number.isFinite(atol) && atol >= 0 && atol <= 1e6)) throw { message: `${label} absolute tolerance: expected a non-negative number`, field: `${prefix}atol` } satisfies FormError;
        if (carryForward !== null && !(Number.isFinite(carryForward) && carryForward >= 0 && carryForward <= 1)) {
          throw { message: `${label} carried-forward credit: expected a number from 0 (off) to 1 (full credit)`, field: `${prefix}carryForward` } satisfies FormError;
        }
        changes.push({ id: item.id, points, rtol, atol, carryForward });
      }
      await updateAssignment(db, assignment.id, {
        title: p.title, kind: p.kind, opensAt: p.opensAt ?? null, dueAt: p.dueAt ?? null,
        maxAttempts: p.maxAttempts === undefined ? defaultMaxAttempts(p.kind) : p.maxAttempts,
        revealPolicy: p.revealPolicy ?? assignment.revealPolicy, scorePolicy: p.scorePolicy ?? assignment.scorePolicy,
        timeLimitMinutes: p.timeLimitMinutes ?? null, practice: p.practice ?? assignment.practice,
      });
      for (const id of removals) await deleteItem(db, id);
      for (const c of changes) await updateItem(db, c.id, { points: c.points, rtol: c.rtol, atol: c.atol, carryForward: c.carryForward });
      for (const item of newItems) await insertItem(db, assignment.id, item);
      res.redirect(303, `/assignments/${assignment.id}?saved=1`);
    } catch (err) {
      await renderEdit(res, assignment, 400, body, isFormError(err) ? err : formErrorOf(err, rowOf, offset));
    }
  });

  // Regrade is two steps: GET shows what would change (nothing written), POST applies it and
  // redirects, so a reload never re-runs it.
  router.get("/assignments/:id/items/:itemId/regrade", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const item = assignment.items.find((i) => i.id === idParam(req.params.itemId, "exercise"));
    if (!item) throw notFound("exercise");
    const result = await regradeItem(db, item, currentUser(req).id, { apply: false });
    res.render("instructor/regrade", { title: "Regrade", assignment, item, number: assignment.items.indexOf(item) + 1, result });
  });

  router.post("/assignments/:id/items/:itemId/regrade", async (req, res) => {
    const assignment = await instructorAssignment(db, req);
    const item = assignment.items.find((i) => i.id === idParam(req.params.itemId, "exercise"));
    if (!item) throw notFound("exercise");
    const result = await regradeItem(db, item, currentUser(req).id, { apply: true });
    res.redirect(303, `/assignments/${assignment.id}?regraded=${result.changed.length}`);
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
      chart: barChartSvg(stats.distribution, { title: "Students by counted score", yLabel: "students", integer: true }),
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
