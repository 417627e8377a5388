/**
 * Revocation against the bearer-token cache, over real HTTP on the real server: each round warms a
 * token into the per-process cache (and keeps requests with it in flight), revokes it, and checks
 * that the first request sent after the revocation was acknowledged answers 401. Counts any stale
 * success and reports the cached request latency, so the check's cost on the hot path is visible.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/revocation.js [--rounds 200]
 *
 * Exit status 0 when no revoked token or session was accepted after its revocation returned.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config";
import { projectRoot } from "../src/paths";
import { start } from "../src/server";

const PASSWORD = "bench-password-123";

async function call(url: string, method: string, p: string, token?: string, body?: unknown): Promise<{ status: number; body: { token?: string } | null }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(url + "/api/v1" + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as { token?: string }) : null };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<number> {
  const i = process.argv.indexOf("--rounds");
  const rounds = i > 0 ? Number(process.argv[i + 1]) : 200;
  const dir = path.join(projectRoot, ".tmp", `bench-revocation-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const config = loadConfig({
    NODE_ENV: "production",
    SESSION_SECRET: "bench-session-secret-0123456789abcdef0123456789",
    PORT: "0",
    DATABASE_URL: `file:${path.join(dir, "revocation.db")}`,
    LIKELY_DEMO: "1",
    LIKELY_DEMO_PASSWORD: PASSWORD,
  });
  const running = await start(config, () => {});
  const url = running.url.replace("localhost", "127.0.0.1");
  const token = async (password = PASSWORD) => (await call(url, "POST", "/tokens", undefined, { email: "student1@example.edu", password })).body!.token!;
  let stale = 0;
  const cached: number[] = [];
  try {
    // 1. DELETE /tokens/current with requests of the same token in flight.
    for (let r = 0; r < rounds; r++) {
      const t = await token();
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        if ((await call(url, "GET", "/me", t)).status !== 200) throw new Error("warm-up failed");
        if (k > 0) cached.push(performance.now() - t0);
      }
      const inFlight = Array.from({ length: 4 }, () => call(url, "GET", "/me", t));
      if ((await call(url, "DELETE", "/tokens/current", t)).status !== 204) throw new Error("revoke failed");
      if ((await call(url, "GET", "/me", t)).status !== 401) stale++;
      await Promise.all(inFlight);
    }
    // 2. Password change by API: another cached token of the user is refused on its next request.
    const pwRounds = Math.max(1, Math.floor(rounds / 10));
    let current = PASSWORD;
    for (let r = 0; r < pwRounds; r++) {
      const caller = await token(current);
      const other = await token(current);
      await call(url, "GET", "/me", other);
      const next = `bench-password-${r}-x`;
      if ((await call(url, "POST", "/me/password", caller, { currentPassword: current, newPassword: next })).status !== 204) throw new Error("change failed");
      current = next;
      if ((await call(url, "GET", "/me", other)).status !== 401) stale++;
    }
    console.log(JSON.stringify({ tokenRevocations: rounds, passwordChanges: pwRounds, acceptedAfterRevocation: stale, cachedGetMeMedianMs: Number(median(cached).toFixed(3)) }));
  } finally {
    await running.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return stale === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(2); });
