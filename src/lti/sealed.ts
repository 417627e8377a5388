import { hmac, safeEqual } from "../auth/secrets";

/**
 * A small tamper-proof value for a form or URL (HMAC with SESSION_SECRET, with an expiry): the
 * deep-linking settings travel from the launch to the picker's form post without a table.
 */
export function seal(secret: string, purpose: string, value: unknown, ttlMs: number): string {
  const body = Buffer.from(JSON.stringify({ v: value, exp: Date.now() + ttlMs })).toString("base64url");
  return `${body}.${hmac(secret, `${purpose}:${body}`)}`;
}

export function unseal<T>(secret: string, purpose: string, token: unknown): T | null {
  if (typeof token !== "string" || token.length > 20_000) return null;
  const [body, mac] = token.split(".");
  if (!body || !mac || !safeEqual(mac, hmac(secret, `${purpose}:${body}`))) return null;
  try {
    const { v, exp } = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { v: T; exp: number };
    return typeof exp === "number" && exp > Date.now() ? v : null;
  } catch {
    return null;
  }
}
