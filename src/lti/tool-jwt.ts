import crypto from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import type { SigningKey } from "./keys";

/** A JWT signed by the tool's current key (RS256, with its kid). */
export async function signToolJwt(key: SigningKey, claims: JWTPayload, lifetimeS: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeS)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
}
