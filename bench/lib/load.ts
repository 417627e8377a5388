/** autocannon runs for bench/submit-throughput.ts: plain figures out of its result. */
import autocannon from "autocannon";
import type { Participant } from "./api";

export type LoadFigures = {
  label: string;
  connections: number;
  seconds: number;
  /** 2xx answers per second over the run (graded submissions per second for the real server). */
  okPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
};

export type LoadSpec = {
  url: string;
  connections: number;
  seconds: number;
  /** Builds each request: method, path, headers, body. */
  next: () => { path: string; headers: Record<string, string>; body: string };
};

export async function runLoad(label: string, spec: LoadSpec): Promise<LoadFigures> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const r = spec.next();
          return { ...req, method: "POST", path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
        },
      },
    ],
  });
  const statusCounts: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = v.count ?? 0;
  return {
    label,
    connections: spec.connections,
    seconds: result.duration,
    okPerSecond: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
  };
}

/**
 * Graded submissions in rotation: request i goes to participant i mod n with a fresh idempotency
 * key, so every request is a new, valid, graded attempt (the assignment allows unlimited attempts).
 */
export function submissionRequests(participants: Participant[], keyPrefix: string): LoadSpec["next"] {
  let i = 0;
  const bodies = participants.map((p) => JSON.stringify(p.answers));
  return () => {
    const n = i++;
    const k = n % participants.length;
    const p = participants[k]!;
    return {
      path: `/api/v1/variants/${p.variantId}/submissions`,
      headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json" },
      body: `{"answers":${bodies[k]},"idempotencyKey":"${keyPrefix}-${n}"}`,
    };
  };
}

/** The same bodies against the bare endpoint: the cost of HTTP, JSON and Express alone. */
export function echoRequests(participants: Participant[], keyPrefix: string): LoadSpec["next"] {
  const next = submissionRequests(participants, keyPrefix);
  return () => ({ ...next(), path: "/echo" });
}

export function formatFigures(f: LoadFigures): string {
  return `${f.label.padEnd(34)} ${f.okPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   max ${String(f.max).padStart(5)} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;
}
