import type { Db } from "../db/client";
import { selectOptionalCourseRole } from "../db/courses";
import { selectOptionalVariantContext, type VariantContext } from "../db/variants";
import { notFound } from "../http-error";

/**
 * A homework variant for an instructor of its course (key, solution, data), or also for its owner
 * (their data). Anyone else, and a missing id, get the same 404.
 */
export async function selectVariantFor(db: Db, variantId: number, userId: number, who: "instructor" | "owner-or-instructor"): Promise<VariantContext> {
  const ctx = await selectOptionalVariantContext(db, variantId);
  if (!ctx) throw notFound("variant");
  if (who === "owner-or-instructor" && ctx.variant.userId === userId) return ctx;
  if ((await selectOptionalCourseRole(db, userId, ctx.assignment.courseId)) === "instructor") return ctx;
  throw notFound("variant");
}
