import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import type { LoginStateRow, PlatformRow } from "../db/lti";
import { PlatformKeyError, platformKey } from "./platform-keys";
import { CLAIM } from "./urls";

/** A refused launch: 4xx with a message for the person at the LMS; nobody is signed in. */
export class LaunchError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const CLOCK_LEEWAY_S = 60;

const roles = z.array(z.string());
const ltiClaims = z.object({
  sub: z.string({ error: "sub (the LMS user id) is missing" }).min(1, { error: "sub (the LMS user id) is empty" }),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  [CLAIM.version]: z.literal("1.3.0", { error: 'the LTI version claim must be "1.3.0"' }),
  [CLAIM.messageType]: z.enum(["LtiResourceLinkRequest", "LtiDeepLinkingRequest"], {
    error: "the message type must be LtiResourceLinkRequest or LtiDeepLinkingRequest",
  }),
  [CLAIM.deploymentId]: z.string({ error: "the deployment_id claim is missing" }).min(1),
  [CLAIM.targetLinkUri]: z.string({ error: "the target_link_uri claim is missing" }),
  [CLAIM.roles]: roles,
  [CLAIM.resourceLink]: z.object({ id: z.string().min(1), title: z.string().optional() }).optional(),
  [CLAIM.context]: z.object({ id: z.string().min(1), title: z.string().optional(), label: z.string().optional() }).optional(),
  [CLAIM.custom]: z.record(z.string(), z.unknown()).optional(),
  [CLAIM.ags]: z
    .object({ scope: z.array(z.string()).optional(), lineitems: z.string().optional(), lineitem: z.string().optional() })
    .optional(),
  [CLAIM.nrps]: z.object({ context_memberships_url: z.string() }).optional(),
  [CLAIM.deepLinkingSettings]: z
    .object({
      deep_link_return_url: z.string(),
      accept_types: z.array(z.string()).optional(),
      accept_multiple: z.boolean().optional(),
      accept_lineitem: z.boolean().optional(),
      data: z.string().optional(),
    })
    .optional(),
});
export type LaunchClaims = z.output<typeof ltiClaims>;

/** The claims of a verified launch, in the shape the rest of the tool uses. */
export type Launch = {
  platform: PlatformRow;
  deploymentId: string;
  sub: string;
  name: string;
  email: string | null;
  messageType: "LtiResourceLinkRequest" | "LtiDeepLinkingRequest";
  roles: string[];
  targetLinkUri: string;
  resourceLinkId: string | null;
  context: { id: string; title: string; label: string } | null;
  custom: Record<string, unknown>;
  ags: { lineitems: string | null; lineitem: string | null; scope: string[] } | null;
  membershipsUrl: string | null;
  deepLinking: { returnUrl: string; acceptTypes: string[]; acceptMultiple: boolean; acceptLineItem: boolean; data: string | null } | null;
  exp: number;
};

export type LaunchDeps = {
  /** True when the deployment id is registered for the platform. */
  deploymentKnown(platformId: number, deploymentId: string): Promise<boolean>;
  /** Our own origins: target_link_uri must point at one of them. */
  ownOrigins: string[];
  now?: () => number;
};

/**
 * Verifies an id_token against the consumed login state, in the order of the LTI security
 * framework: alg, kid, signature, iss, aud/azp, exp/iat, nonce, deployment, version, message type,
 * resource link, target. Throws LaunchError naming the first check that failed.
 */
export async function verifyLaunchToken(idToken: string, state: LoginStateRow, platform: PlatformRow, deps: LaunchDeps): Promise<Launch> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(idToken);
  } catch {
    throw new LaunchError(400, "the id_token is not a signed JWT");
  }
  if (header.alg !== "RS256") throw new LaunchError(401, `the id_token must be signed with RS256 (got ${JSON.stringify(header.alg ?? null)})`);
  if (typeof header.kid !== "string" || !header.kid) throw new LaunchError(401, "the id_token header has no kid");
  let key: Awaited<ReturnType<typeof platformKey>>;
  try {
    key = await platformKey(platform.jwksUrl, header.kid);
  } catch (err) {
    if (err instanceof PlatformKeyError) throw new LaunchError(401, err.message);
    throw err;
  }
  const nowS = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, key, {
      algorithms: ["RS256"],
      issuer: platform.issuer,
      audience: platform.clientId,
      clockTolerance: CLOCK_LEEWAY_S,
      requiredClaims: ["exp", "iat", "nonce", "sub"],
      currentDate: new Date(nowS * 1000),
    }));
  } catch (err) {
    throw new LaunchError(401, joseMessage(err));
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.some((a) => a !== platform.clientId)) throw new LaunchError(401, "the id_token names an audience other than this tool");
  if (payload.azp !== undefined && payload.azp !== platform.clientId) throw new LaunchError(401, "the id_token's azp is not this tool's client_id");
  if (typeof payload.iat !== "number" || payload.iat > nowS + CLOCK_LEEWAY_S) throw new LaunchError(401, "the id_token was issued in the future (iat)");
  if (payload.nonce !== state.nonce) throw new LaunchError(401, "the id_token's nonce does not match this login");

  const parsed = ltiClaims.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LaunchError(400, `${issue.message} (${issue.path.join(".") || "claims"})`);
  }
  const c = parsed.data;
  const deploymentId = c[CLAIM.deploymentId];
  if (!(await deps.deploymentKnown(platform.id, deploymentId))) {
    throw new LaunchError(403, `deployment "${deploymentId}" is not registered for this platform; ask the Likely administrator to add it`);
  }
  if (state.deploymentId && state.deploymentId !== deploymentId) throw new LaunchError(401, "the id_token's deployment differs from the login's");
  const messageType = c[CLAIM.messageType];
  const resourceLinkId = c[CLAIM.resourceLink]?.id ?? null;
  if (messageType === "LtiResourceLinkRequest" && !resourceLinkId) throw new LaunchError(400, "a resource link launch needs the resource_link claim with an id");
  const target = c[CLAIM.targetLinkUri];
  let targetOrigin: string;
  try {
    targetOrigin = new URL(target).origin;
  } catch {
    throw new LaunchError(400, "target_link_uri is not a URL");
  }
  if (!deps.ownOrigins.includes(targetOrigin)) throw new LaunchError(400, `target_link_uri must point at this Likely (${deps.ownOrigins.join(", ")}), not ${targetOrigin}`);
  if (messageType === "LtiDeepLinkingRequest" && !c[CLAIM.deepLinkingSettings]) throw new LaunchError(400, "a deep linking request needs the deep_linking_settings claim");

  const name = c.name ?? ([c.given_name, c.family_name].filter(Boolean).join(" ") || "LMS user");
  const ctx = c[CLAIM.context];
  const ags = c[CLAIM.ags];
  const dl = c[CLAIM.deepLinkingSettings];
  return {
    platform,
    deploymentId,
    sub: c.sub,
    name,
    email: c.email && /^[^@\s]+@[^@\s]+$/.test(c.email) ? c.email : null,
    messageType,
    roles: c[CLAIM.roles],
    targetLinkUri: target,
    resourceLinkId,
    context: ctx ? { id: ctx.id, title: ctx.title ?? ctx.label ?? "LMS course", label: ctx.label ?? "" } : null,
    custom: c[CLAIM.custom] ?? {},
    ags: ags ? { lineitems: ags.lineitems ?? null, lineitem: ags.lineitem ?? null, scope: ags.scope ?? [] } : null,
    membershipsUrl: c[CLAIM.nrps]?.context_memberships_url ?? null,
    deepLinking: dl
      ? { returnUrl: dl.deep_link_return_url, acceptTypes: dl.accept_types ?? [], acceptMultiple: dl.accept_multiple ?? false, acceptLineItem: dl.accept_lineitem ?? false, data: dl.data ?? null }
      : null,
    exp: payload.exp!,
  };
}

function joseMessage(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "the id_token has expired";
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return "the id_token's signature does not verify with the platform's key";
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "iss") return "the id_token's issuer (iss) is not this platform";
    if (err.claim === "aud") return "the id_token's audience (aud) does not include this tool's client_id";
    if (err.claim === "iat") return "the id_token's issue time (iat) is not acceptable";
    if (err.claim === "nbf") return "the id_token is not valid yet (nbf)";
    return `the id_token's ${err.claim} claim is missing or invalid`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return "the id_token must be signed with RS256";
  if (err instanceof joseErrors.JOSEError) return `the id_token is invalid (${err.code})`;
  return "the id_token is invalid";
}

const INSTRUCTOR_ROLES = /(^|[#/])(Instructor|TeachingAssistant|ContentDeveloper|Administrator)$/;
const LEARNER_ROLES = /(^|[#/])Learner$/;

/** LIS roles -> the course role; null when the launch carries neither (e.g. a mentor). */
export function courseRoleOf(roles: string[]): "instructor" | "student" | null {
  if (roles.some((r) => INSTRUCTOR_ROLES.test(r))) return "instructor";
  if (roles.some((r) => LEARNER_ROLES.test(r))) return "student";
  return null;
}
