/** The compiled `likely` bin in a child process, as an operator runs it. */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "../support/paths";

const BIN = path.join(ROOT, "bin", "likely.js");

export type CliResult = { status: number | null; stdout: string; stderr: string };

/** Compiles dist/ (incremental): the bin runs the compiled code. */
export function buildDist(): void {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "pipe" });
}

function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("LIKELY_") && k !== "DATABASE_URL" && k !== "NODE_ENV") out[k] = v;
  return { ...out, ...env };
}

export function likely(args: string[], env: Record<string, string>, input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env), input, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the event loop (for a CLI run while a server in this process works). */
export function likelyAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}
