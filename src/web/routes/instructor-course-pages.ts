import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { parseRosterCsv } from "../../auth/roster-csv";
import { importRoster } from "../../auth/roster-import";
import { joinCode } from "../../auth/secrets";
import { selectAssignmentsForCourse } from "../../db/assignments";
import type { Db } from "../../db/client";
import { countCourseStudents, insertCourse, selectOptionalCourse, updateCourse } from "../../db/courses";
import { isUniqueViolation } from "../../db/errors";
import { selectExtensionsForAssignment, selectOptionalExtension } from "../../db/extensions";
import { grantExtension } from "../../homework/extensions";
import { selectOptionalLtiContextForCourse } from "../../db/lti-identity";
import { selectCourseStudents, selectOptionalCourseStudent } from "../../db/gradebook";
import { selectSubmissionsForStudent } from "../../db/submissions";
import { buildGradebook, gradebookCsv } from "../../homework/gradebook";
import { HttpError, notFound } from "../../http-error";
import { requireCourseRole } from "../access";
import type { GradebookSource } from "../gradebook-source";
import { optionalDate, optionalExtraMinutes } from "../forms/assignment-form";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";
import { plural } from "../helpers/plural";

const courseForm = z.object({
  code: z.string().trim().min(2, { error: "Course code: at least 2 characters, e.g. ML101" }).max(20, { error: "Course code: at most 20 characters" }).regex(/^[A-Za-z0-9._-]+$/, { error: "Course code: letters, digits, dot, dash or underscore" }),
  title: z.string().trim().min(1, { error: "Title must not be empty" }).max(200, { error: "Title: at most 200 characters" }),
});

/** Names in natural order ("Student 2" before "Student 10"), accents and case aside. */
function compareNames(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, "en", { numeric: true, sensitivity: "base" });
}

function byNaturalName<T extends { name: string }>(rows: T[]): T[] {
  return [...rows].sort(compareNames);
}

/** The course form's messages already start with the field's label; this names the input too. */
function courseFieldError(issue: z.core.$ZodIssue): { field: string; message: string } {
  return { field: String(issue.path[0] ?? "code"), message: issue.message };
}

async function instructorCourse(db: Db, req: Request) {
  const courseId = idParam(req.params.courseId, "course");
  await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
  const course = await selectOptionalCourse(db, courseId);
  if (!course) throw notFound("course");
  return course;
}

/** Course management for instructors: courses, roster, gradebook, one student's record. */
export function instructorCoursePages(db: Db, options: { gradebookExtras?: GradebookSource; publicUrl?: string }): Router {
  const router = Router();
  router.use("/courses", requireUser);

  router.get("/courses/new", (req, res) => {
    if (currentUser(req).role !== "instructor") throw notFound();
    res.render("instructor/course-form", { title: "New course", form: {} });
  });

  router.post("/courses", async (req, res) => {
    if (currentUser(req).role !== "instructor") throw notFound();
    const parsed = courseForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).render("instructor/course-form", { title: "New course", form: req.body, fieldError: courseFieldError(parsed.error.issues[0]!) });
      return;
    }
    try {
      const course = await insertCourse(db, { ...parsed.data, joinCode: joinCode() }, currentUser(req).id);
      res.redirect(303, `/courses/${course.id}`);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      res.status(409).render("instructor/course-form", { title: "New course", form: req.body, fieldError: { field: "code", message: `Course code: a course with code ${parsed.data.code} exists already.` } });
    }
  });

  async function renderCourse(req: Request, res: Response, course: { id: number; code: string; title: string }, status = 200, extra: Record<string, unknown> = {}) {
    const assignments = await selectAssignmentsForCourse(db, course.id);
    res.status(status).render("instructor/course", {
      title: course.code,
      course,
      settings: course,
      students: await countCourseStudents(db, course.id),
      assignments: assignments.map((a) => ({ ...a, points: a.items.reduce((s, i) => s + i.points, 0) })),
      notice: req.query.saved ? "Saved." : undefined,
      lms: (await selectOptionalLtiContextForCourse(db, course.id)) !== null,
      ...extra,
    });
  }

  router.get("/courses/:courseId", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    const role = await requireCourseRole(db, currentUser(req).id, courseId);
    if (role === "student") return res.redirect(303, `/assignments#course-${courseId}`);
    await renderCourse(req, res, (await selectOptionalCourse(db, courseId))!);
  });

  router.post("/courses/:courseId/edit", async (req, res) => {
    const course = await instructorCourse(db, req);
    if (req.body?.action === "new-join-code") {
      await updateCourse(db, course.id, { joinCode: joinCode() });
      return res.redirect(303, `/courses/${course.id}?saved=1`);
    }
    // Errors come back on the course page with the settings open, what was typed kept and the field marked.
    const again = (status: number, fieldError: { field: string; message: string }) => renderCourse(req, res, course, status, { settings: req.body, settingsOpen: true, fieldError });
    const parsed = courseForm.safeParse(req.body ?? {});
    if (!parsed.success) return again(400, courseFieldError(parsed.error.issues[0]!));
    try {
      await updateCourse(db, course.id, parsed.data);
    } catch (err) {
      if (isUniqueViolation(err)) return again(409, { field: "code", message: `Course code: a course with code ${parsed.data.code} exists already.` });
      throw err;
    }
    res.redirect(303, `/courses/${course.id}?saved=1`);
  });

  router.get("/courses/:courseId/students", async (req, res) => {
    const course = await instructorCourse(db, req);
    res.render("instructor/roster", { title: `${course.code} students`, course, students: byNaturalName(await selectCourseStudents(db, course.id)), scripts: ["/static/js/roster-upload.js"] });
  });

  router.post("/courses/:courseId/students", async (req, res) => {
    const course = await instructorCourse(db, req);
    const csv = typeof req.body?.roster === "string" ? req.body.roster : "";
    const parsed = parseRosterCsv(csv);
    const render = async (status: number, extra: Record<string, unknown>) =>
      res.status(status).render("instructor/roster", { title: `${course.code} students`, course, students: byNaturalName(await selectCourseStudents(db, course.id)), scripts: ["/static/js/roster-upload.js"], ...extra });
    if (!parsed.ok) return render(400, { error: parsed.error, roster: csv });
    const result = await importRoster(db, course.id, parsed.rows);
    const origin = options.publicUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
    const links = result.setupLinks.map((l) => ({ ...l, url: origin + l.path }));
    // The same words whether or not an e-mail had an account elsewhere.
    const notice = result.enrolled === 0 ? "Everyone on this roster was enrolled already." : `${plural(result.enrolled, "student")} added to ${course.code}.`;
    await render(200, { imported: { ...result, setupLinks: links }, notice });
  });

  router.get("/courses/:courseId/gradebook", async (req, res) => {
    const course = await instructorCourse(db, req);
    const book = await buildGradebook(db, course.id, await options.gradebookExtras?.(course.id));
    const sort = typeof req.query.sort === "string" ? req.query.sort : "name";
    const dir = req.query.dir === "desc" ? -1 : 1;
    const value = (s: (typeof book.students)[number]) => (sort === "total" ? s.total : (s.scores[sort] ?? -1));
    book.students.sort((a, b) => (sort === "name" ? dir * compareNames(a, b) : value(a) < value(b) ? -dir : value(a) > value(b) ? dir : 0));
    const link = (key: string) => `?sort=${encodeURIComponent(key)}&dir=${sort === key && dir === 1 ? "desc" : "asc"}`;
    res.render("instructor/gradebook", {
      title: `${course.code} gradebook`,
      bodyClass: "wide-page", // a term of columns needs the whole screen width
      course,
      columns: book.assignments.map((c) => ({ ...c, sortLink: link(c.key), sorted: sort === c.key ? (dir === 1 ? "ascending" : "descending") : undefined })),
      students: book.students.map((s) => ({ ...s, cells: book.assignments.map((c) => ({ key: c.key, kind: c.kind, value: s.scores[c.key], points: c.points })) })),
      possible: book.possible,
      nameLink: link("name"),
      totalLink: link("total"),
      sort,
    });
  });

  router.get("/courses/:courseId/gradebook.csv", async (req, res) => {
    const course = await instructorCourse(db, req);
    const book = await buildGradebook(db, course.id, await options.gradebookExtras?.(course.id));
    res.attachment(`${course.code}-gradebook.csv`);
    res.type("text/csv; charset=utf-8").send("\uFEFF" + gradebookCsv(book));
  });

  /** One student's record: deadlines and attempts with the extension form, and their submissions. */
  async function renderStudent(req: Request, res: Response, course: { id: number }, studentId: number, extra: Record<string, unknown> = {}, status = 200) {
    const student = await selectOptionalCourseStudent(db, course.id, studentId);
    if (!student) throw notFound("student");
    const [assignments, submissions] = await Promise.all([selectAssignmentsForCourse(db, course.id), selectSubmissionsForStudent(db, course.id, student.id)]);
    const itemInfo = new Map(assignments.flatMap((a) => a.items.map((item, i) => [item.id, { assignment: a, number: i + 1, item }] as const)));
    const extensions = new Map<number, Awaited<ReturnType<typeof selectExtensionsForAssignment>>[number]>();
    for (const a of assignments) {
      const e = (await selectExtensionsForAssignment(db, a.id)).find((x) => x.userId === student.id);
      if (e) extensions.set(a.id, e);
    }
    res.status(status).render("instructor/student", {
      title: student.name,
      course,
      student,
      notice: req.query.saved ? (req.query.afterReveal ? "Extension saved (granted after the answer key was revealed)." : "Extension saved.") : undefined,
      assignments: assignments.map((a) => ({ ...a, extension: extensions.get(a.id) })),
      submissions: submissions.map((s) => {
        const info = itemInfo.get(s.itemId)!;
        return {
          ...s,
          assignmentTitle: info.assignment.title,
          number: info.number,
          exercise: info.item.exercise,
          raw: Object.entries(JSON.parse(s.raw) as Record<string, unknown>).map(([name, v]) => ({ name, value: typeof v === "string" ? v : JSON.stringify(v) })),
          results: JSON.parse(s.results) as { name: string; correct: boolean; feedback: string }[],
        };
      }),
      ...extra,
    });
  }

  router.get("/courses/:courseId/students/:userId", async (req, res) => {
    const course = await instructorCourse(db, req);
    await renderStudent(req, res, course, idParam(req.params.userId, "student"));
  });

  router.post("/courses/:courseId/students/:userId/extensions", async (req, res) => {
    const course = await instructorCourse(db, req);
    const student = await selectOptionalCourseStudent(db, course.id, idParam(req.params.userId, "student"));
    if (!student) throw notFound("student");
    const assignmentId = idParam(req.body?.assignmentId, "assignment");
    const assignments = await selectAssignmentsForCourse(db, course.id);
    const assignment = assignments.find((a) => a.id === assignmentId);
    if (!assignment) throw notFound("assignment");
    const existing = await selectOptionalExtension(db, assignmentId, student.id);
    const extraText = typeof req.body?.extraAttempts === "string" ? req.body.extraAttempts.trim() : "";
    const extra = extraText === "" ? 0 : Number(extraText);
    if (!Number.isInteger(extra) || extra < 0 || extra > 100) throw new HttpError(400, "Extra attempts: expected a whole number from 0 to 100");
    const grant = { assignmentId, userId: student.id, dueAt: optionalDate(req.body ?? {}, "dueAt", "New due date"), extraAttempts: extra, extraMinutes: optionalExtraMinutes(req.body ?? {}) ?? existing?.extraMinutes ?? 0 };
    try {
      const result = await grantExtension(db, grant, { confirmedAfterReveal: req.body?.confirmAfterReveal === "1" });
      res.redirect(303, `/courses/${course.id}/students/${student.id}?saved=1${result.keyRevealed ? "&afterReveal=1" : ""}`);
    } catch (err) {
      if (!(err instanceof HttpError) || !err.details?.needsConfirmation) throw err;
      // Ask again, with the same values and an explicit confirmation.
      await renderStudent(req, res, course, student.id, { confirm: { assignment, grant, message: err.message, dueAtText: typeof req.body?.dueAt === "string" ? req.body.dueAt : "" } }, 409);
    }
  });

  return router;
}
