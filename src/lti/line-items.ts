import { z } from "zod";
import type { PlatformRow } from "../db/lti";
import { retryable, serviceFetch, ServiceError } from "./access-token";
import type { SigningKey } from "./keys";
import { AGS_SCOPES } from "./urls";

const LINE_ITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json";
const CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json";
const lineItem = z.object({ id: z.string().url(), resourceLinkId: z.string().optional(), resourceId: z.string().optional() });

/** `lineitems` with a query parameter added, keeping the URL's own query (Moodle's `type_id`). */
function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/**
 * The line item of a resource link whose launch carried none (links made in the LMS without deep
 * linking): looked up by `resource_link_id` in the context's `lineitems`, else created.
 */
export async function findOrCreateLineItem(
  platform: PlatformRow,
  key: SigningKey,
  lineItemsUrl: string,
  link: { resourceLinkId: string; assignmentId: number; label: string; scoreMaximum: number },
): Promise<string> {
  const found = await serviceFetch(platform, key, AGS_SCOPES, withParam(lineItemsUrl, "resource_link_id", link.resourceLinkId), { headers: { Accept: CONTAINER_TYPE } });
  if (!found.ok) throw new ServiceError(`line items answered ${found.status}`, found.status, retryable(found));
  const list = z.array(z.unknown()).safeParse(await found.json().catch(() => null));
  const items = (list.success ? list.data : []).flatMap((x) => {
    const p = lineItem.safeParse(x);
    return p.success ? [p.data] : [];
  });
  const match = items.find((i) => i.resourceLinkId === link.resourceLinkId) ?? items.find((i) => i.resourceId === String(link.assignmentId));
  if (match) return match.id;
  const made = await serviceFetch(platform, key, AGS_SCOPES, lineItemsUrl, {
    method: "POST",
    headers: { "Content-Type": LINE_ITEM_TYPE, Accept: LINE_ITEM_TYPE },
    body: JSON.stringify({ scoreMaximum: link.scoreMaximum, label: link.label, resourceId: String(link.assignmentId), resourceLinkId: link.resourceLinkId }),
  });
  if (!made.ok) throw new ServiceError(`creating a line item answered ${made.status}`, made.status, retryable(made));
  const created = lineItem.safeParse(await made.json().catch(() => null));
  if (!created.success) throw new ServiceError("the created line item has no id", made.status, false);
  return created.data.id;
}
