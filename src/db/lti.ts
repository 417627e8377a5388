import type { Db } from "./client";

export type PlatformRow = {
  id: number;
  issuer: string;
  clientId: string;
  name: string;
  authUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  createdAt: Date;
};
export type PlatformWithDeployments = PlatformRow & { deployments: string[] };

export type PlatformInput = Omit<PlatformRow, "id" | "createdAt"> & { deployments: string[] };

/** Registers a platform by (issuer, client_id), or updates it; deployments are added, never removed here. */
export async function upsertPlatform(db: Db, p: PlatformInput): Promise<PlatformRow> {
  const { deployments, ...fields } = p;
  return db.$transaction(async (tx) => {
    const row = await tx.ltiPlatform.upsert({
      where: { issuer_clientId: { issuer: p.issuer, clientId: p.clientId } },
      create: fields,
      update: fields,
    });
    for (const deploymentId of deployments) {
      await tx.ltiDeployment.upsert({
        where: { platformId_deploymentId: { platformId: row.id, deploymentId } },
        create: { platformId: row.id, deploymentId },
        update: {},
      });
    }
    return row;
  });
}

export async function selectPlatforms(db: Db): Promise<PlatformWithDeployments[]> {
  const rows = await db.ltiPlatform.findMany({ include: { deployments: { select: { deploymentId: true } } }, orderBy: { id: "asc" } });
  return rows.map(({ deployments, ...p }) => ({ ...p, deployments: deployments.map((d) => d.deploymentId) }));
}

export async function selectOptionalPlatform(db: Db, id: number): Promise<PlatformRow | null> {
  return db.ltiPlatform.findUnique({ where: { id } });
}

/** Platforms with this issuer (Canvas: one issuer, many developer keys). */
export async function selectPlatformsByIssuer(db: Db, issuer: string): Promise<PlatformRow[]> {
  return db.ltiPlatform.findMany({ where: { issuer }, orderBy: { id: "asc" } });
}

export async function deploymentExists(db: Db, platformId: number, deploymentId: string): Promise<boolean> {
  return (await db.ltiDeployment.count({ where: { platformId, deploymentId } })) > 0;
}

// ---- tool keys ----

export type KeyRow = { id: number; kid: string; publicJwk: string; privateEnc: string; createdAt: Date; retiredAt: Date | null };

export async function selectKeys(db: Db): Promise<KeyRow[]> {
  return db.ltiKey.findMany({ orderBy: { id: "asc" } });
}

export async function insertKey(db: Db, k: { kid: string; publicJwk: string; privateEnc: string }): Promise<KeyRow> {
  return db.ltiKey.create({ data: k });
}

/** Retires every signing key except `keepKid` (published until the tokens they signed expire). */
export async function retireKeysExcept(db: Db, keepKid: string, at: Date): Promise<void> {
  await db.ltiKey.updateMany({ where: { kid: { not: keepKid }, retiredAt: null }, data: { retiredAt: at } });
}

export async function deleteKeysExcept(db: Db, keepKid: string): Promise<number> {
  return (await db.ltiKey.deleteMany({ where: { kid: { not: keepKid } } })).count;
}

export async function deleteKeysRetiredBefore(db: Db, before: Date): Promise<void> {
  await db.ltiKey.deleteMany({ where: { retiredAt: { lt: before } } });
}

// ---- login state ----

export async function insertLoginState(
  db: Db,
  s: { state: string; nonce: string; platformId: number; deploymentId: string | null; targetLinkUri: string; expiresAt: Date },
): Promise<void> {
  await db.ltiLoginState.create({ data: s });
}

export type LoginStateRow = { state: string; nonce: string; platformId: number; deploymentId: string | null; targetLinkUri: string; expiresAt: Date };

/**
 * Marks a login state used and returns it, or null when it is unknown, expired or already used.
 * One conditional UPDATE, so two launches racing with one state cannot both win.
 */
export async function consumeLoginState(db: Db, state: string, now: Date): Promise<LoginStateRow | null> {
  const claimed = await db.ltiLoginState.updateMany({ where: { state, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (claimed.count !== 1) return null;
  return db.ltiLoginState.findUnique({ where: { state }, select: { state: true, nonce: true, platformId: true, deploymentId: true, targetLinkUri: true, expiresAt: true } });
}

/** Used states (and their nonces) are kept a day, well past any id_token's `exp`. */
export async function deleteOldLoginStates(db: Db, before: Date): Promise<void> {
  await db.ltiLoginState.deleteMany({ where: { expiresAt: { lt: before } } });
}
