import { z } from "zod";
import type { PlatformRow } from "../db/lti";
import { retryable, serviceFetch, ServiceError } from "./access-token";
import type { SigningKey } from "./keys";
import { NRPS_SCOPE } from "./urls";

const MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";
const MAX_PAGES = 200;

const member = z.object({
  user_id: z.string().min(1),
  roles: z.array(z.string()).default([]),
  status: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
});
const container = z.object({ members: z.array(z.unknown()) });

export type Member = { sub: string; roles: string[]; active: boolean; name: string; email: string | null };

/** `Link: <url>; rel="next"`, followed only to the memberships URL's own origin. */
function nextLink(header: string | null, origin: string): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (m) {
      try {
        const u = new URL(m[1]!);
        return u.origin === origin ? u.toString() : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Every member of the context, all pages; `status` compared case-insensitively ("Active", "active"). */
export async function fetchMembers(platform: PlatformRow, key: SigningKey, membershipsUrl: string): Promise<Member[]> {
  const origin = new URL(membershipsUrl).origin;
  const out: Member[] = [];
  let url: string | null = membershipsUrl;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await serviceFetch(platform, key, [NRPS_SCOPE], url, { headers: { Accept: MEMBERSHIP_TYPE } });
    if (!res.ok) throw new ServiceError(`the roster service answered ${res.status}: ${(await res.text().catch(() => "")).slice(0, 300)}`, res.status, retryable(res));
    const body = container.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new ServiceError("the roster service's answer is not a membership container", res.status, false);
    for (const raw of body.data.members) {
      const m = member.safeParse(raw);
      if (!m.success) continue;
      const d = m.data;
      out.push({
        sub: d.user_id,
        roles: d.roles,
        active: (d.status ?? "active").toLowerCase() === "active",
        name: d.name ?? ([d.given_name, d.family_name].filter(Boolean).join(" ") || "LMS user"),
        email: d.email && /^[^@\s]+@[^@\s]+$/.test(d.email) ? d.email : null,
      });
    }
    url = nextLink(res.headers.get("link"), origin);
  }
  return out;
}
