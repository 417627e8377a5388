import crypto from "node:crypto";
import type { Db } from "../db/client";
import {
  consumeLoginState,
  deleteOldLoginStates,
  deploymentExists,
  insertLoginState,
  selectOptionalPlatform,
  selectPlatformsByIssuer,
} from "../db/lti";
import {
  assignmentInCourse,
  insertLtiCourse,
  selectOptionalLineItemUrl,
  selectOptionalLtiContext,
  updateLtiContextServices,
  upsertLineItem,
  upsertLtiEnrollment,
  upsertLtiUser,
} from "../db/lti-identity";
import { enqueueAssignmentSubmitters } from "../db/lti-outbox";
import { createDemoAssignments } from "../seed/demo";
import { selectOptionalAssignment } from "../db/assignments";
import { totalPoints } from "../homework/assignment-view";
import { signingKey } from "./keys";
import { findOrCreateLineItem } from "./line-items";
import { courseRoleOf, LaunchError, verifyLaunchToken, type Launch } from "./launch-token";

/** How long a login may take between our redirect and the platform's form post. */
/** When each database's old login states were last deleted (once an hour is plenty: rows are small and indexed by expiry). */
const lastSweep = new WeakMap<Db, number>();
const SWEEP_EVERY_MS = 3600 * 1000;

async function sweepOldLoginStates(db: Db, now: number): Promise<void> {
  if (now - (lastSweep.get(db) ?? 0) < SWEEP_EVERY_MS) return;
  lastSweep.set(db, now);
  await deleteOldLoginStates(db, new Date(now - 24 * 3600 * 1000));
}

export const LOGIN_STATE_MS = 10 * 60 * 1000;

export type LoginRequest = {
  iss?: unknown;
  login_hint?: unknown;
  target_link_uri?: unknown;
  lti_message_hint?: unknown;
  client_id?: unknown;
  lti_deployment_id?: unknown;
  deployment_id?: unknown;
};

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 && v.length < 4096 ? v : undefined);

/** OIDC third-party login: the platform's authorization URL to redirect to (state and nonce stored server-side). */
export async function beginLogin(db: Db, q: LoginRequest, launchUrl: string, ownOrigins: string[]): Promise<string> {
  const iss = str(q.iss);
  const loginHint = str(q.login_hint);
  const target = str(q.target_link_uri);
  if (!iss) throw new LaunchError(400, "the login request needs iss (the platform's issuer)");
  if (!loginHint) throw new LaunchError(400, "the login request needs login_hint");
  if (!target) throw new LaunchError(400, "the login request needs target_link_uri");
  let targetOrigin = "";
  try {
    targetOrigin = new URL(target).origin;
  } catch {
    /* refused below */
  }
  if (!ownOrigins.includes(targetOrigin)) throw new LaunchError(400, `target_link_uri must point at this Likely (${ownOrigins.join(", ")})`);
  const clientId = str(q.client_id);
  const candidates = (await selectPlatformsByIssuer(db, iss)).filter((p) => !clientId || p.clientId === clientId);
  if (candidates.length === 0) throw new LaunchError(400, `no platform with issuer ${iss}${clientId ? ` and client_id ${clientId}` : ""} is registered with Likely`);
  if (candidates.length > 1) throw new LaunchError(400, `several platforms share issuer ${iss}: the login request must include client_id`);
  const platform = candidates[0]!;
  const deploymentId = str(q.lti_deployment_id) ?? str(q.deployment_id) ?? null;
  const state = crypto.randomBytes(32).toString("base64url");
  const nonce = crypto.randomBytes(32).toString("base64url");
  const now = Date.now();
  await insertLoginState(db, { state, nonce, platformId: platform.id, deploymentId, targetLinkUri: target, expiresAt: new Date(now + LOGIN_STATE_MS) });
  await sweepOldLoginStates(db, now);
  const auth = new URL(platform.authUrl);
  const params: Record<string, string> = {
    scope: "openid",
    response_type: "id_token",
    response_mode: "form_post",
    prompt: "none",
    client_id: platform.clientId,
    redirect_uri: launchUrl,
    login_hint: loginHint,
    state,
    nonce,
  };
  const hint = str(q.lti_message_hint);
  if (hint) params.lti_message_hint = hint;
  for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
  return auth.toString();
}

/** Where a verified launch takes the browser, and whom to sign in. */
export type LaunchOutcome = {
  userId: number;
  courseId: number;
  role: "instructor" | "student";
  launch: Launch;
  /** The assignment named by the link's custom claim, when there is one. */
  assignmentId: number | null;
};

/** Validates the launch (every check of the security framework) and maps LMS identities to Likely's. */
export async function completeLaunch(db: Db, form: { id_token?: unknown; state?: unknown }, ownOrigins: string[], secret: string): Promise<LaunchOutcome> {
  const state = str(form.state);
  const idToken = typeof form.id_token === "string" && form.id_token.length < 100_000 ? form.id_token : undefined;
  if (!state) throw new LaunchError(400, "the launch has no state: start it again from the LMS");
  if (!idToken) throw new LaunchError(400, "the launch has no id_token: start it again from the LMS");
  const login = await consumeLoginState(db, state, new Date());
  if (!login) throw new LaunchError(401, "this launch's state is unknown, expired or already used: start it again from the LMS");
  const platform = await selectOptionalPlatform(db, login.platformId);
  if (!platform) throw new LaunchError(401, "the platform of this login is no longer registered");
  const launch = await verifyLaunchToken(idToken, login, platform, {
    deploymentKnown: (platformId, deploymentId) => deploymentExists(db, platformId, deploymentId),
    ownOrigins,
  });
  return mapIdentity(db, launch, secret);
}

async function mapIdentity(db: Db, launch: Launch, secret: string): Promise<LaunchOutcome> {
  const role = courseRoleOf(launch.roles);
  if (!role) throw new LaunchError(403, "Likely needs an Instructor or Learner role in this LMS course");
  if (launch.messageType === "LtiDeepLinkingRequest" && role !== "instructor") throw new LaunchError(403, "only instructors can add Likely assignments to the LMS course");
  if (!launch.context) throw new LaunchError(400, "the launch has no context (LMS course) claim");
  const p = launch.platform;
  let ctx = await selectOptionalLtiContext(db, p.id, launch.deploymentId, launch.context.id);
  if (!ctx && role !== "instructor") {
    throw new LaunchError(403, "this LMS course is not set up in Likely yet: your instructor opens Likely from the course first");
  }
  const user = await upsertLtiUser(db, { issuer: p.issuer, sub: launch.sub, name: launch.name, email: launch.email, role });
  if (!ctx) {
    const made = await insertLtiCourse(db, { platformId: p.id, deploymentId: launch.deploymentId, contextId: launch.context.id, title: launch.context.title, label: launch.context.label }, user.id);
    if (made.created) await createDemoAssignments(db, made.courseId);
    ctx = (await selectOptionalLtiContext(db, p.id, launch.deploymentId, launch.context.id))!;
  }
  await upsertLtiEnrollment(db, ctx.id, ctx.courseId, user.id, role);
  const services = { membershipsUrl: launch.membershipsUrl ?? ctx.membershipsUrl, lineItemsUrl: launch.ags?.lineitems ?? ctx.lineItemsUrl, title: launch.context.title };
  if (services.membershipsUrl !== ctx.membershipsUrl || services.lineItemsUrl !== ctx.lineItemsUrl || services.title !== ctx.title) {
    await updateLtiContextServices(db, ctx.id, services);
  }

  let assignmentId: number | null = null;
  const named = launch.custom.likely_assignment_id;
  if (launch.messageType === "LtiResourceLinkRequest" && named !== undefined) {
    const id = Number(named);
    if (!Number.isSafeInteger(id) || !(await assignmentInCourse(db, id, ctx.courseId))) {
      throw new LaunchError(404, `this link names assignment ${JSON.stringify(named)}, which is not in this course; ask your instructor to add the link again`);
    }
    assignmentId = id;
    // A new gradebook column gets the scores already earned (students who worked before the link existed).
    const lineItemUrl = launch.ags?.lineitem ?? (await lineItemOf(db, launch, id, secret));
    if (lineItemUrl && (await upsertLineItem(db, p.id, id, lineItemUrl))) await enqueueAssignmentSubmitters(db, id);
  }
  return { userId: user.id, courseId: ctx.courseId, role, launch, assignmentId };
}

/**
 * A link made without deep linking carries `lineitems` but no `lineitem`: find the column by the
 * resource link, else create it (once; later launches find it stored). An LMS that refuses is
 * logged, not fatal: the student still works, and the instructor can relink.
 */
async function lineItemOf(db: Db, launch: Launch, assignmentId: number, secret: string): Promise<string | null> {
  if (!launch.ags?.lineitems || !launch.resourceLinkId) return null;
  if (!launch.ags.scope.some((s) => s.endsWith("/scope/lineitem"))) return null;
  const stored = await selectOptionalLineItemUrl(db, assignmentId);
  if (stored) return stored;
  const assignment = await selectOptionalAssignment(db, assignmentId);
  if (!assignment) return null;
  try {
    return await findOrCreateLineItem(launch.platform, await signingKey(db, secret), launch.ags.lineitems, {
      resourceLinkId: launch.resourceLinkId,
      assignmentId,
      label: assignment.title,
      scoreMaximum: totalPoints(assignment),
    });
  } catch (err) {
    console.error(`lti: no line item for assignment ${assignmentId}: ${(err as Error).message}`);
    return null;
  }
}
