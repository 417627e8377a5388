/**
 * A true burst measured by a real load generator: wrk (C, LuaJIT script bench/lib/burst.lua), one
 * thread, connection and token per student, every request sent within a window of a shared
 * wall-clock instant, latency timed by wrk itself. Needs `wrk` on the PATH (Debian/Ubuntu:
 * `apt-get install wrk`); requireWrk() says so plainly when it is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../src/paths";

export const BURST_LUA = path.join(projectRoot, "bench", "lib", "burst.lua");

export type BurstFigures = {
  label: string;
  requests: number;
  answered: number;
  statuses: Record<string, number>;
  errors: { connect: number; read: number; write: number; timeout: number };
  /** First to last request actually written, by the generator's clock. */
  sendWindowMs: number;
  /** Students whose instant had passed before their connection was open (sent at once instead). */
  late: number;
  latencyMs: { min: number; p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  loadAverage: [number, number, number];
  /** CPU time (user + system) the server process used from wrk's start to its end; null off Linux. */
  serverCpuMs: number | null;
};

/** CPU time used so far by a process, from /proc (Linux), in ms; null where there is no /proc. */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** The path of wrk, or an error that says how to install it. */
export function requireWrk(): string {
  const found = spawnSync("sh", ["-c", "command -v wrk"], { encoding: "utf8" });
  const wrk = found.stdout.trim();
  if (found.status !== 0 || !wrk) {
    throw new Error("this bench needs the load generator wrk (4.x, with LuaJIT) on the PATH: on Debian or Ubuntu `sudo apt-get install wrk`");
  }
  return wrk;
}

export type BurstSpec = {
  url: string;
  /** Request path (POST). */
  path: string;
  /** One per student: their bearer token and JSON body. */
  requests: { token: string; body: string }[];
  /** All requests are sent within this many ms (190: within 200 ms with timer slack). */
  windowMs: number;
  /** Time for wrk to start its threads and open every connection before the window opens. */
  leadMs?: number;
  /** The server's process id, to report the CPU time it spent on the burst. */
  serverPid?: number;
  workDir: string;
};

/** Runs one burst and returns wrk's figures (latencies in ms). */
export async function runBurst(label: string, spec: BurstSpec): Promise<BurstFigures> {
  const wrk = requireWrk();
  const n = spec.requests.length;
  const file = path.join(spec.workDir, `burst-${label.replace(/[^a-z0-9]+/gi, "-")}-${Date.now()}.tsv`);
  for (const r of spec.requests) if (/[\t\n]/.test(r.token + r.body)) throw new Error("a burst request contains a tab or a newline");
  fs.writeFileSync(file, spec.requests.map((r) => `${r.token}\t${r.body}`).join("\n") + "\n");
  const lead = spec.leadMs ?? Math.max(1500, 5 * n);
  const start = Date.now() + lead;
  // wrk runs for its whole -d; threads stop after their one response, so -d only caps a stuck run.
  const seconds = Math.ceil((lead + spec.windowMs) / 1000) + 6;
  const args = ["-t", String(n), "-c", String(n), "-d", `${seconds}s`, "--timeout", "30s", "-s", BURST_LUA, spec.url, "--", file, spec.path, String(start), String(spec.windowMs)];
  const cpuBefore = spec.serverPid ? processCpuMs(spec.serverPid) : null;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (out += t));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`))));
  });
  const cpuAfter = spec.serverPid ? processCpuMs(spec.serverPid) : null;
  fs.rmSync(file, { force: true });
  const line = /^BURST (\{.*\})$/m.exec(output);
  if (!line) throw new Error(`wrk printed no BURST line:\n${output}`);
  const raw = JSON.parse(line[1]!) as Omit<BurstFigures, "label" | "latencyMs" | "loadAverage"> & { latencyUs: Record<string, number> };
  const ms = (us: number) => Math.round(us / 100) / 10;
  const l = raw.latencyUs;
  return {
    label,
    requests: raw.requests,
    answered: raw.answered,
    statuses: raw.statuses,
    errors: raw.errors,
    sendWindowMs: raw.sendWindowMs,
    late: raw.late,
    latencyMs: { min: ms(l.min!), p50: ms(l.p50!), p90: ms(l.p90!), p95: ms(l.p95!), p99: ms(l.p99!), max: ms(l.max!), mean: ms(l.mean!) },
    loadAverage: os.loadavg() as [number, number, number],
    serverCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
  };
}

export function formatBurst(f: BurstFigures): string {
  const l = f.latencyMs;
  const errors = f.errors.connect + f.errors.read + f.errors.write + f.errors.timeout;
  return `${f.label.padEnd(40)} ${f.answered}/${f.requests} answered ${JSON.stringify(f.statuses)}, sent within ${f.sendWindowMs.toFixed(0)} ms; p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms; socket errors ${errors}; server CPU ${f.serverCpuMs ?? "n/a"} ms; load average ${f.loadAverage[0].toFixed(2)}`;
}
