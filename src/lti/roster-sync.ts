import type { Db } from "../db/client";
import { selectOptionalPlatform } from "../db/lti";
import { markRosterSynced, selectLtiMembers, selectOptionalLtiContextForCourse, setLtiMemberStatus, upsertLtiEnrollment, upsertLtiUser } from "../db/lti-identity";
import { HttpError } from "../http-error";
import { signingKey } from "./keys";
import { courseRoleOf } from "./launch-token";
import { fetchMembers } from "./nrps";
import { ServiceError } from "./access-token";

export type RosterChanges = { added: string[]; reactivated: string[]; deactivated: string[]; unchanged: number; total: number };

/**
 * Pulls the LMS course's memberships (NRPS, all pages), enrols members Likely has not seen, and
 * marks those the LMS no longer lists (or lists as inactive) inactive. Instructors are never
 * deactivated by a sync, and nothing is deleted: their submissions stay in the gradebook.
 */
export async function syncRoster(db: Db, courseId: number, secret: string): Promise<RosterChanges> {
  const ctx = await selectOptionalLtiContextForCourse(db, courseId);
  if (!ctx) throw new HttpError(400, "this course is not linked to an LMS course");
  if (!ctx.membershipsUrl) throw new HttpError(409, "the LMS has not offered its roster service for this course yet: launch Likely from the LMS once (NRPS must be enabled for the tool)");
  const platform = await selectOptionalPlatform(db, ctx.platformId);
  if (!platform) throw new HttpError(409, "the LMS platform of this course is no longer registered");
  let members;
  try {
    members = await fetchMembers(platform, await signingKey(db, secret), ctx.membershipsUrl);
  } catch (err) {
    if (err instanceof ServiceError) throw new HttpError(502, `the LMS roster could not be read: ${err.message}`);
    throw err;
  }
  const before = new Map((await selectLtiMembers(db, ctx.id)).map((m) => [m.userId, m]));
  const changes: RosterChanges = { added: [], reactivated: [], deactivated: [], unchanged: 0, total: members.length };
  const seen = new Set<number>();
  for (const m of members) {
    const role = courseRoleOf(m.roles);
    if (!role) continue;
    if (!m.active) continue; // treated as gone, below
    const user = await upsertLtiUser(db, { issuer: platform.issuer, sub: m.sub, name: m.name, email: m.email, role });
    seen.add(user.id);
    const was = before.get(user.id);
    await upsertLtiEnrollment(db, ctx.id, courseId, user.id, role);
    if (!was) changes.added.push(user.name);
    else if (was.status !== "active") changes.reactivated.push(user.name);
    else changes.unchanged++;
  }
  for (const [userId, m] of before) {
    if (seen.has(userId) || m.status === "inactive" || m.role === "instructor") continue;
    await setLtiMemberStatus(db, ctx.id, userId, "inactive");
    changes.deactivated.push(m.name);
  }
  await markRosterSynced(db, ctx.id, new Date());
  return changes;
}
