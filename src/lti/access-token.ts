import type { PlatformRow } from "../db/lti";
import type { SigningKey } from "./keys";
import { signToolJwt } from "./tool-jwt";

/**
 * OAuth 2 client-credentials tokens for the platform's services (AGS, NRPS), one per platform and
 * scope set, cached until a minute before `expires_in`: a class's worth of scores costs one token
 * request, not one per score.
 */
export const USER_AGENT = "Likely-LTI/1.0 (+https://github.com/likely)";
/** Each request to the platform (token, score, roster) gives up after this long. */
export const FETCH_TIMEOUT_MS = 15_000;

/** A service call the platform refused or could not answer; `retry` says whether trying later may help. */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

type Cached = { token: string; expiresAt: number };
const cache = new Map<string, Cached>();
const inflight = new Map<string, Promise<Cached>>();
let requests = 0;

/** Token requests made by this process (benchmarks report it next to the scores delivered). */
export function tokenRequestCount(): number {
  return requests;
}

/** 5xx, 429, and 403 with X-Rate-Limit-Remaining: 0 (Canvas's throttling) are worth retrying. */
export function retryable(res: Response): boolean {
  return res.status >= 500 || res.status === 429 || (res.status === 403 && res.headers.get("x-rate-limit-remaining") === "0");
}

export async function accessToken(platform: PlatformRow, key: SigningKey, scopes: string[]): Promise<string> {
  const cacheKey = `${platform.id}|${platform.tokenUrl}|${scopes.join(" ")}`;
  const hit = cache.get(cacheKey);
  if (hit && hit.expiresAt > Date.now()) return hit.token;
  let pending = inflight.get(cacheKey);
  if (!pending) {
    pending = requestToken(platform, key, scopes).finally(() => inflight.delete(cacheKey));
    inflight.set(cacheKey, pending);
  }
  const got = await pending;
  cache.set(cacheKey, got);
  return got.token;
}

/** Drop a token the platform refused (401): the next call asks for a new one. */
export function forgetAccessToken(platform: PlatformRow): void {
  for (const k of cache.keys()) if (k.startsWith(`${platform.id}|`)) cache.delete(k);
}

async function requestToken(platform: PlatformRow, key: SigningKey, scopes: string[]): Promise<Cached> {
  requests++;
  const assertion = await signToolJwt(key, { iss: platform.clientId, sub: platform.clientId, aud: platform.tokenUrl }, 300);
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    scope: scopes.join(" "),
  });
  let res: Response;
  try {
    res = await fetch(platform.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", "User-Agent": USER_AGENT },
      body,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    throw new ServiceError(`token request failed: ${(err as Error).message}`, null, true);
  }
  const text = await res.text();
  if (!res.ok) throw new ServiceError(`token request answered ${res.status}: ${text.slice(0, 300)}`, res.status, retryable(res));
  let json: { access_token?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceError("token response is not JSON", res.status, true);
  }
  if (typeof json.access_token !== "string") throw new ServiceError("token response has no access_token", res.status, true);
  const lifetime = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : 3600;
  return { token: json.access_token, expiresAt: Date.now() + Math.max(lifetime - 60, lifetime / 2) * 1000 };
}

/** A service request with the cached bearer token; one retry with a fresh token after a 401. */
export async function serviceFetch(platform: PlatformRow, key: SigningKey, scopes: string[], url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken(platform, key, scopes);
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}`, "User-Agent": USER_AGENT },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (err) {
      throw new ServiceError(`${init.method ?? "GET"} ${url} failed: ${(err as Error).message}`, null, true);
    }
    if (res.status === 401 && attempt === 0) {
      forgetAccessToken(platform);
      continue;
    }
    return res;
  }
}
