import { z } from "zod";
import type { Db } from "../db/client";
import { upsertPlatform, type PlatformRow } from "../db/lti";
import { toolUrls } from "./urls";

const httpUrl = (name: string) =>
  z.url({ error: `${name} must be an absolute http(s) URL` }).refine((u) => /^https?:\/\//.test(u), { error: `${name} must be an absolute http(s) URL` });

export const platformSchema = z.object({
  issuer: httpUrl("issuer"),
  clientId: z.string({ error: "clientId is required" }).trim().min(1, { error: "clientId is required" }).max(255),
  authUrl: httpUrl("authUrl"),
  tokenUrl: httpUrl("tokenUrl"),
  jwksUrl: httpUrl("jwksUrl"),
  deployments: z.array(z.string().trim().min(1, { error: "deployment ids must not be empty" }).max(255)).default([]),
  name: z.string().trim().max(200).default(""),
});
export type PlatformFields = z.input<typeof platformSchema>;

/** What the CLI and the admin page print after registering: the URLs to paste into the LMS. */
export type Registered = { platformId: number; loginUrl: string; launchUrl: string; jwksUrl: string };

export async function registerPlatform(db: Db, fields: z.output<typeof platformSchema>, publicUrl: string): Promise<Registered> {
  const row: PlatformRow = await upsertPlatform(db, fields);
  const urls = toolUrls(publicUrl);
  return { platformId: row.id, loginUrl: urls.loginUrl, launchUrl: urls.launchUrl, jwksUrl: urls.jwksUrl };
}
