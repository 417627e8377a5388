import crypto from "node:crypto";
import type { PlatformRow } from "../db/lti";
import type { SigningKey } from "./keys";
import { signToolJwt } from "./tool-jwt";
import { CLAIM } from "./urls";

/** What the picker needs to answer the platform (sealed into its form between launch and post). */
export type DeepLinkContext = {
  userId: number;
  courseId: number;
  platformId: number;
  deploymentId: string;
  returnUrl: string;
  data: string | null;
  acceptMultiple: boolean;
  acceptLineItem: boolean;
};

export type PickedAssignment = { id: number; title: string; points: number; dueAt: Date | null };

/** One ltiResourceLink per assignment, with a line item so the LMS makes the gradebook column. */
export function contentItems(picked: PickedAssignment[], launchUrl: string, withLineItem: boolean): Record<string, unknown>[] {
  return picked.map((a) => ({
    type: "ltiResourceLink",
    title: a.title,
    url: launchUrl,
    custom: { likely_assignment_id: String(a.id) },
    ...(withLineItem ? { lineItem: { scoreMaximum: a.points, label: a.title, resourceId: String(a.id) } } : {}),
    ...(a.dueAt ? { submission: { endDateTime: a.dueAt.toISOString() } } : {}),
  }));
}

/** The LtiDeepLinkingResponse JWT, signed with the tool's key, to auto-post as the field `JWT`. */
export async function deepLinkResponse(key: SigningKey, platform: PlatformRow, ctx: DeepLinkContext, items: Record<string, unknown>[]): Promise<string> {
  return signToolJwt(
    key,
    {
      iss: platform.clientId,
      aud: platform.issuer,
      nonce: crypto.randomBytes(16).toString("base64url"),
      [CLAIM.deploymentId]: ctx.deploymentId,
      [CLAIM.messageType]: "LtiDeepLinkingResponse",
      [CLAIM.version]: "1.3.0",
      [CLAIM.contentItems]: items,
      ...(ctx.data !== null ? { [CLAIM.data]: ctx.data } : {}),
    },
    600,
  );
}
