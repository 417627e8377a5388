/**
 * The real server as a child process, run as `npm start` runs it (`node --max-semi-space-size=64
 * dist/src/server.js`), so that benches can SIGKILL it and restart it on the same database file.
 * Needs a compiled dist/ (`npx tsc -p tsconfig.json`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../../src/node-flags";
import { projectRoot } from "../../src/paths";

export const SERVER_JS = path.join(projectRoot, "dist", "src", "server.js");

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export type ServerProcess = {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string;
  exited: Promise<ExitInfo>;
  /** Sends the signal and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
};

export type ServerOptions = {
  /** Variables for the child; any LIKELY_*, DATABASE_URL, PORT and NODE_ENV inherited from this process are dropped first. */
  env: Record<string, string>;
  /** Node flags after those `npm start` uses (SERVER_NODE_FLAGS), e.g. ["--cpu-prof", "--cpu-prof-dir=..."]. */
  nodeArgs?: string[];
  timeoutMs?: number;
  /** Another script to run (default: the server), and the line that gives its URL once it listens. */
  script?: string;
  ready?: RegExp;
};

/** Starts the server on a free port (PORT=0) and resolves with its URL once it is listening. */
export function startServerProcess(options: ServerOptions): Promise<ServerProcess> {
  const script = options.script ?? SERVER_JS;
  const ready = options.ready ?? /Likely is listening on (http:\/\/\S+)/;
  if (!fs.existsSync(script)) {
    return Promise.reject(new Error(`${script} is missing: build first with npx tsc -p tsconfig.json`));
  }
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("LIKELY_") || k === "DATABASE_URL" || k === "PORT" || k === "NODE_ENV") continue;
    env[k] = v;
  }
  Object.assign(env, { PORT: "0" }, options.env);
  // The server as `npm start` runs it; a baseline (bare Express) gets the same runtime flags.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(options.nodeArgs ?? []), script], {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`server did not start within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${err.message}\n--- server output ---\n${chunks.join("")}`));
    }
    let buffered = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      chunks.push(text);
      buffered += text;
      const m = ready.exec(buffered);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        const url = m[1]!.replace("localhost", "127.0.0.1");
        resolve({
          url,
          pid: child.pid!,
          child,
          output: () => chunks.join(""),
          exited,
          async kill(signal: NodeJS.Signals = "SIGTERM") {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (text: string) => chunks.push(text));
    child.once("error", (err) => fail(err));
    void exited.then(({ code, signal }) => fail(new Error(`server exited before listening (code ${code}, signal ${signal})`)));
  });
}
