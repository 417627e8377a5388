import { joinCode } from "../auth/secrets";
import type { Db } from "./client";
import { isUniqueViolation } from "./errors";
import type { PublicUser, UserRole } from "./users";

const publicFields = { id: true, email: true, name: true, role: true } as const;

/**
 * The Likely account of an LMS user (issuer, sub), created on first launch without a password (so
 * it cannot sign in any other way). Name and e-mail follow the LMS on every launch; the LMS's
 * e-mail becomes the account's only while no other account has it (accounts are never merged by
 * e-mail: an LMS can assert any address).
 */
export async function upsertLtiUser(
  db: Db,
  u: { issuer: string; sub: string; name: string; email: string | null; role: UserRole },
): Promise<PublicUser> {
  const link = await db.ltiUser.findUnique({ where: { issuer_sub: { issuer: u.issuer, sub: u.sub } }, select: { userId: true } });
  const email = u.email?.trim().toLowerCase() ?? null;
  if (link) {
    // Writes only what changed: a class launching at once costs reads, not a commit each.
    const current = await db.user.findUniqueOrThrow({ where: { id: link.userId }, select: { ...publicFields, ltiUser: { select: { email: true } } } });
    const { ltiUser, ...user } = current;
    if ((ltiUser?.email ?? null) !== email) await db.ltiUser.update({ where: { userId: link.userId }, data: { email } });
    // An account role is only ever raised by a launch (an instructor somewhere stays one).
    const role = user.role === "student" && u.role === "instructor" ? "instructor" : user.role;
    const data = { ...(u.name !== user.name ? { name: u.name } : {}), ...(role !== user.role ? { role } : {}) };
    if (email && email !== user.email) {
      try {
        return (await db.user.update({ where: { id: link.userId }, data: { ...data, email }, select: publicFields })) as PublicUser;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    if (Object.keys(data).length === 0) return user as PublicUser;
    return (await db.user.update({ where: { id: link.userId }, data, select: publicFields })) as PublicUser;
  }
  const placeholder = `lti-${Buffer.from(`${u.issuer}|${u.sub}`).toString("base64url").slice(0, 40)}-${joinCode(6).toLowerCase()}@lti.invalid`;
  for (const candidate of email ? [email, placeholder] : [placeholder]) {
    try {
      return await db.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email: candidate, name: u.name, role: u.role, passwordHash: "" }, select: publicFields });
        await tx.ltiUser.create({ data: { issuer: u.issuer, sub: u.sub, userId: user.id, email } });
        return user as PublicUser;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The e-mail belongs to another account (or a parallel first launch created this one): try the next.
      const raced = await db.ltiUser.findUnique({ where: { issuer_sub: { issuer: u.issuer, sub: u.sub } }, select: { user: { select: publicFields } } });
      if (raced) return raced.user as PublicUser;
    }
  }
  throw new Error("could not create an account for this LMS user");
}

export type LtiContextRow = {
  id: number;
  platformId: number;
  deploymentId: string;
  contextId: string;
  courseId: number;
  title: string;
  membershipsUrl: string | null;
  lineItemsUrl: string | null;
  lastRosterSync: Date | null;
};

export async function selectOptionalLtiContext(db: Db, platformId: number, deploymentId: string, contextId: string): Promise<LtiContextRow | null> {
  return db.ltiContext.findUnique({ where: { platformId_deploymentId_contextId: { platformId, deploymentId, contextId } } });
}

export async function selectOptionalLtiContextForCourse(db: Db, courseId: number): Promise<LtiContextRow | null> {
  return db.ltiContext.findUnique({ where: { courseId } });
}

/** A new Likely course for an LMS context, with the first instructor enrolled. */
export async function insertLtiCourse(
  db: Db,
  c: { platformId: number; deploymentId: string; contextId: string; title: string; label: string },
  instructorId: number,
): Promise<{ courseId: number; created: boolean }> {
  const base = (c.label || "LMS").replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 20) || "LMS";
  try {
    return await db.$transaction(async (tx) => {
      const course = await tx.course.create({
        data: {
          code: `${base}-${joinCode(4)}`,
          title: c.title.slice(0, 200) || "LMS course",
          joinCode: joinCode(),
          enrollments: { create: { userId: instructorId, role: "instructor" } },
        },
      });
      await tx.ltiContext.create({
        data: { platformId: c.platformId, deploymentId: c.deploymentId, contextId: c.contextId, courseId: course.id, title: c.title },
      });
      return { courseId: course.id, created: true };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Two instructors' first launches raced: the other one created the course.
    const existing = await selectOptionalLtiContext(db, c.platformId, c.deploymentId, c.contextId);
    if (!existing) throw err;
    return { courseId: existing.courseId, created: false };
  }
}

export async function updateLtiContextServices(db: Db, id: number, s: { membershipsUrl?: string | null; lineItemsUrl?: string | null; title?: string }): Promise<void> {
  const data = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== null));
  if (Object.keys(data).length > 0) await db.ltiContext.update({ where: { id }, data });
}

/** Enrols (or re-roles) a launching user and marks them active in the LMS roster. */
export async function upsertLtiEnrollment(db: Db, ltiContextId: number, courseId: number, userId: number, role: UserRole): Promise<void> {
  const [enrolled, member] = await Promise.all([
    db.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } }, select: { role: true } }),
    db.ltiMember.findUnique({ where: { ltiContextId_userId: { ltiContextId, userId } }, select: { status: true } }),
  ]);
  if (enrolled?.role === role && member?.status === "active") return;
  await db.$transaction(async (tx) => {
    await tx.enrollment.upsert({ where: { userId_courseId: { userId, courseId } }, create: { userId, courseId, role }, update: { role } });
    await tx.ltiMember.upsert({
      where: { ltiContextId_userId: { ltiContextId, userId } },
      create: { ltiContextId, userId, status: "active" },
      update: { status: "active" },
    });
  });
}

/** The LMS gradebook column of an assignment, as the latest launch named it; true when it is new or moved. */
export async function upsertLineItem(db: Db, platformId: number, assignmentId: number, url: string): Promise<boolean> {
  const now = await db.ltiLineItem.findUnique({ where: { assignmentId }, select: { url: true, platformId: true } });
  if (now?.url === url && now.platformId === platformId) return false;
  await db.ltiLineItem.upsert({ where: { assignmentId }, create: { platformId, assignmentId, url }, update: { url, platformId } });
  return true;
}

export async function selectOptionalLineItemUrl(db: Db, assignmentId: number): Promise<string | null> {
  return (await db.ltiLineItem.findUnique({ where: { assignmentId }, select: { url: true } }))?.url ?? null;
}

export async function assignmentInCourse(db: Db, assignmentId: number, courseId: number): Promise<boolean> {
  return (await db.assignment.count({ where: { id: assignmentId, courseId } })) > 0;
}

/** Members the roster sync last saw, for marking those the LMS no longer lists. */
export async function selectLtiMembers(db: Db, ltiContextId: number): Promise<{ userId: number; status: string; name: string; sub: string | null; role: string | null }[]> {
  const rows = await db.ltiMember.findMany({
    where: { ltiContextId },
    select: { userId: true, status: true, user: { select: { name: true, ltiUser: { select: { sub: true } }, enrollments: { where: { course: { ltiContext: { id: ltiContextId } } }, select: { role: true } } } } },
  });
  return rows.map((r) => ({ userId: r.userId, status: r.status, name: r.user.name, sub: r.user.ltiUser?.sub ?? null, role: r.user.enrollments[0]?.role ?? null }));
}

export async function setLtiMemberStatus(db: Db, ltiContextId: number, userId: number, status: "active" | "inactive"): Promise<void> {
  await db.ltiMember.update({ where: { ltiContextId_userId: { ltiContextId, userId } }, data: { status } });
}

export async function markRosterSynced(db: Db, ltiContextId: number, at: Date): Promise<void> {
  await db.ltiContext.update({ where: { id: ltiContextId }, data: { lastRosterSync: at } });
}

/** LMS members of a course and their roster state (for the instructor's page). */
export async function selectInactiveMemberIds(db: Db, courseId: number): Promise<Set<number>> {
  const rows = await db.ltiMember.findMany({ where: { context: { courseId }, status: "inactive" }, select: { userId: true } });
  return new Set(rows.map((r) => r.userId));
}
