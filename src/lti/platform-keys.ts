import { importJWK, type JWK, type KeyLike } from "jose";

/**
 * The platforms' public keys, fetched from their JWKS URLs and cached per URL. A token whose `kid`
 * is not in the cache makes one re-fetch (at most one a second per URL, so a flood of bad tokens
 * cannot make us hammer the LMS); still missing, the token is refused.
 */
type Entry = { keys: JWK[]; fetchedAt: number };
const cache = new Map<string, Entry>();
const MIN_REFETCH_MS = 1000;
const FETCH_TIMEOUT_MS = 10_000;

export class PlatformKeyError extends Error {}

async function fetchKeys(url: string): Promise<JWK[]> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/json", "User-Agent": "Likely-LTI/1.0" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new PlatformKeyError(`the platform's key set at ${url} could not be fetched (${(err as Error).message})`);
  }
  if (!res.ok) throw new PlatformKeyError(`the platform's key set at ${url} answered ${res.status}`);
  const body = (await res.json().catch(() => null)) as { keys?: unknown } | null;
  if (!body || !Array.isArray(body.keys)) throw new PlatformKeyError(`the platform's key set at ${url} is not a JWKS ({keys: [...]})`);
  return body.keys as JWK[];
}

/** The platform's RSA public key with this `kid`, or a PlatformKeyError. */
export async function platformKey(jwksUrl: string, kid: string): Promise<KeyLike | Uint8Array> {
  const find = (e: Entry | undefined) => e?.keys.find((k) => k.kid === kid);
  let entry = cache.get(jwksUrl);
  let jwk = find(entry);
  if (!jwk && (!entry || Date.now() - entry.fetchedAt >= MIN_REFETCH_MS)) {
    entry = { keys: await fetchKeys(jwksUrl), fetchedAt: Date.now() };
    cache.set(jwksUrl, entry);
    jwk = find(entry);
  }
  if (!jwk) throw new PlatformKeyError(`no key with kid "${kid}" in the platform's key set`);
  if (jwk.kty !== "RSA" || (jwk.alg !== undefined && jwk.alg !== "RS256")) throw new PlatformKeyError(`the platform key "${kid}" is not an RS256 RSA key`);
  return importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, "RS256");
}
