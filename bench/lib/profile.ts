/**
 * Where the server's CPU time goes, from a V8 CPU profile (`node --cpu-prof`): self time grouped by
 * the code it belongs to. Native frames (SQLite calls, JSON, hashing) count for the nearest caller
 * with a script URL, so better-sqlite3's `run()` lands in "SQLite (better-sqlite3 + adapter)".
 */
import fs from "node:fs";

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

export const CATEGORIES: [string, RegExp][] = [
  ["grading (exercises/, src/grading)", /\/(exercises|src\/grading|src\/solver)\//],
  ["Prisma query compiler (WASM)", /^wasm:|query_compiler/],
  ["Prisma client runtime", /@prisma\/client|src\/generated\/prisma|@prisma\/driver-adapter-utils|@prisma\/client-engine/],
  ["SQLite (better-sqlite3 + adapter)", /better-sqlite3/],
  ["Express, body parsing, helmet, rate limit", /node_modules\/(express|body-parser|router|raw-body|helmet|express-rate-limit|iconv-lite|type-is|content-type|qs|finalhandler|send|on-finished|depd|debug|cookie-parser|path-to-regexp|statuses|destroy|ee-first|media-typer|mime-types|negotiator|accepts|parseurl|encodeurl|escape-html|fresh|etag|range-parser|vary)\//],
  ["zod (input validation)", /node_modules\/zod\//],
  ["other dependencies", /node_modules\//],
  ["app code (src/)", /\/src\//],
  ["Node.js core (http, net, streams, timers)", /^node:|^internal\//],
];

type Share = { name: string; ms: number; share: number };
export type ProfileSummary = { totalMs: number; busyMs: number; rows: { category: string; ms: number; share: number }[]; packages: Share[]; top: Share[] };

/** Microseconds on the clock V8 stamps profiles with (the same monotonic clock as process.hrtime). */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Self time by area; with `window` ([from, to] in monotonicUs()), only the samples taken inside it. */
export function summarizeProfile(file: string, window?: [number, number]): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window[0] || at > window[1])) return;
    selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
  });

  const special = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);
  const owner = (id: number): ProfileNode => {
    let n = byId.get(id)!;
    while (!n.callFrame.url && !special.has(n.callFrame.functionName) && parent.has(n.id)) n = byId.get(parent.get(n.id)!)!;
    return n;
  };
  const categoryOf = (n: ProfileNode): string => {
    const { functionName, url } = n.callFrame;
    if (special.has(functionName)) return functionName === "(garbage collector)" ? "garbage collection" : functionName === "(idle)" ? "idle" : "V8 / native (unattributed)";
    if (!url) return "V8 / native (unattributed)";
    for (const [name, re] of CATEGORIES) if (re.test(url)) return name;
    return "other";
  };
  const cat = new Map<string, number>();
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of selfMs) {
    total += ms;
    const raw = byId.get(id)!;
    const o = owner(id);
    const c = categoryOf(o);
    cat.set(c, (cat.get(c) ?? 0) + ms);
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(o.callFrame.url);
    const p = m ? m[1]! : /^wasm:/.test(o.callFrame.url) ? "@prisma/client (query compiler, WASM)" : null;
    if (p) pkg.set(p, (pkg.get(p) ?? 0) + ms);
    const short = (raw.callFrame.url || o.callFrame.url).replace(/^.*node_modules\//, "").replace(/^.*\/(dist|work\/main)\//, "");
    const name = `${raw.callFrame.functionName || "(anonymous)"} ${short}${raw.callFrame.url ? ":" + (raw.callFrame.lineNumber + 1) : ""}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
  }
  const idle = cat.get("idle") ?? 0;
  const busy = total - idle;
  const rows = [...cat.entries()].filter(([c]) => c !== "idle").sort((a, b) => b[1] - a[1]).map(([category, ms]) => ({ category, ms, share: ms / busy }));
  const top = [...fn.entries()]
    .filter(([n]) => !n.startsWith("(idle)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, ms]) => ({ name, ms, share: ms / busy }));
  const packages = [...pkg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, ms]) => ({ name, ms, share: ms / busy }));
  return { totalMs: total, busyMs: busy, rows, packages, top };
}

/** The summary as the benchmarks print it. */
export function printProfile(what: string, profile: ProfileSummary): void {
  console.log(`\nCPU profile of ${what} (busy ${(profile.busyMs / 1000).toFixed(1)} s of ${(profile.totalMs / 1000).toFixed(1)} s; self time, native calls counted for their caller):`);
  for (const r of profile.rows) console.log(`  ${r.category.padEnd(46)} ${(100 * r.share).toFixed(1).padStart(5)} %`);
  console.log("  by package:");
  for (const p of profile.packages) console.log(`    ${(100 * p.share).toFixed(1).padStart(5)} %  ${p.name}`);
  console.log("  top functions:");
  for (const t of profile.top.slice(0, 12)) console.log(`    ${(100 * t.share).toFixed(1).padStart(5)} %  ${t.name}`);
}
