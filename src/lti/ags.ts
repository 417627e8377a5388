import type { PlatformRow } from "../db/lti";
import { retryable, serviceFetch, ServiceError } from "./access-token";
import type { SigningKey } from "./keys";
import { AGS_SCOPES } from "./urls";

export const SCORE_CONTENT_TYPE = "application/vnd.ims.lis.v1.score+json";

export type Score = {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: "Submitted" | "Completed";
  gradingProgress: "FullyGraded";
  timestamp: string;
};

/** `<lineitem>/scores`, keeping the line item's query string (Moodle: `.../lineitem?type_id=2`). */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = u.pathname.replace(/\/+$/, "") + "/scores";
  return u.toString();
}

/** Posts one score; throws ServiceError (retry or not) unless the platform accepted it. */
export async function postScore(platform: PlatformRow, key: SigningKey, lineItemUrl: string, score: Score): Promise<void> {
  const res = await serviceFetch(platform, key, AGS_SCOPES, scoresUrl(lineItemUrl), {
    method: "POST",
    headers: { "Content-Type": SCORE_CONTENT_TYPE },
    body: JSON.stringify(score),
  });
  if (res.ok) {
    await res.arrayBuffer().catch(() => undefined);
    return;
  }
  const text = (await res.text().catch(() => "")).slice(0, 500);
  throw new ServiceError(`the LMS answered ${res.status}${text ? `: ${text}` : ""}`, res.status, retryable(res));
}
