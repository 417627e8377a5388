import { Router } from "express";
import { selectAssignmentsForCourse } from "../../db/assignments";
import { AUDIT_ACTIONS, selectAuditEntries, selectAuditPage, type AuditEntryView } from "../../db/audit";
import type { Db } from "../../db/client";
import { selectCourseStudents } from "../../db/gradebook";
import { csvCell } from "../../homework/gradebook";
import { requireInstructorCourse } from "../access";
import { parseAuditQuery, type AuditQuery } from "../audit-query";
import { requireUser } from "../middleware/require-user";

/** "before → after" as short lines a person can read; JSON only for nested values. */
function describeChange(e: AuditEntryView): { field: string; before: string; after: string }[] {
  const b = (e.before ?? {}) as Record<string, unknown>;
  const a = (e.after ?? {}) as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? "" : v === null ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].map((field) => ({ field, before: show(b[field]), after: show(a[field]) }));
}

function queryString(q: AuditQuery, page: number): string {
  const p = new URLSearchParams();
  if (q.filter.action) p.set("action", q.filter.action);
  if (q.filter.studentId) p.set("student", String(q.filter.studentId));
  if (q.filter.flagged) p.set("flagged", "1");
  if (page > 1) p.set("page", String(page));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The course's audit trail for its instructors: a filterable, paged page and a CSV. */
export function auditPages(db: Db): Router {
  const router = Router();
  router.use("/courses", requireUser);

  router.get("/courses/:courseId/audit", async (req, res) => {
    const course = await requireInstructorCourse(db, req);
    const q = parseAuditQuery(req.query);
    const [{ entries, total }, students, assignments] = await Promise.all([
      selectAuditPage(db, course.id, q.filter, q),
      selectCourseStudents(db, course.id),
      selectAssignmentsForCourse(db, course.id),
    ]);
    const titles = new Map(assignments.map((a) => [a.id, a.title]));
    const pages = Math.max(1, Math.ceil(total / q.perPage));
    res.render("instructor/audit", {
      title: `${course.code} audit trail`,
      course,
      total,
      entries: entries.map((e) => ({ ...e, label: AUDIT_ACTIONS[e.action] ?? e.action, assignmentTitle: e.assignmentId ? titles.get(e.assignmentId) : undefined, changes: describeChange(e) })),
      actions: Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label, selected: q.filter.action === value })),
      students: students.map((s) => ({ ...s, selected: q.filter.studentId === s.id })),
      flagged: q.filter.flagged,
      countLabel: `${total} ${total === 1 ? "entry" : "entries"}`,
      filtered: Boolean(q.filter.action || q.filter.studentId || q.filter.flagged),
      paged: pages > 1,
      page: q.page,
      pages,
      prev: q.page > 1 ? queryString(q, q.page - 1) || "?" : undefined,
      next: q.page < pages ? queryString(q, q.page + 1) : undefined,
      csv: `/courses/${course.id}/audit.csv${queryString(q, 1)}`,
    });
  });

  router.get("/courses/:courseId/audit.csv", async (req, res) => {
    const course = await requireInstructorCourse(db, req);
    const entries = await selectAuditEntries(db, course.id, parseAuditQuery(req.query).filter);
    const header = ["When (UTC)", "Who", "Action", "Assignment ID", "Student", "Summary", "Before", "After", "Flagged"];
    const lines = [header.map(csvCell).join(",")];
    for (const e of entries) {
      const cells = [e.at.toISOString(), e.actor.email, e.action, e.assignmentId ?? "", e.student?.email ?? "", e.summary, e.before === null ? "" : JSON.stringify(e.before), e.after === null ? "" : JSON.stringify(e.after), e.flagged ? "yes" : ""];
      lines.push(cells.map(csvCell).join(","));
    }
    res.attachment(`${course.code}-audit.csv`);
    res.type("text/csv; charset=utf-8").send("\uFEFF" + lines.join("\r\n") + "\r\n");
  });

  return router;
}
