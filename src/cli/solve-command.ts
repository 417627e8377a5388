import { readFile, stat } from "node:fs/promises";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../json-depth";
import type { Command } from "./command";
import { readStdin } from "./stdin";
import { UsageError } from "./usage-error";

/** Request files above this size are large data sets: start the solver's worker threads while parsing. */
const LARGE_REQUEST_BYTES = 1 << 20;

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "it is a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err));
}

/** `likely solve [FILE]`: reads a solver request (JSON) from FILE or standard input and prints the result JSON. */
export const solveCommand: Command = {
  summary: "run the reference solver on a JSON request (FILE or standard input) and print the result as JSON",
  usage: "solve [FILE]",
  async run(args: string[]): Promise<number> {
    if (args.length > 1) throw new UsageError(`expected at most one FILE, got ${args.length} arguments`);
    const file = args[0] === "-" ? undefined : args[0];
    if (file?.startsWith("-")) throw new UsageError(`unknown option ${file}; usage: likely solve [FILE]`);
    // Only the solver: the web stack and the database are never loaded for `likely solve`.
    const solver = await import("../solver");
    let text: string;
    if (file === undefined) {
      if (process.stdin.isTTY) throw new UsageError("no FILE given and standard input is a terminal; usage: likely solve [FILE] (or pipe a JSON request)");
      text = await readStdin();
    } else {
      try {
        if ((await stat(file)).size > LARGE_REQUEST_BYTES) solver.warmUpSolverThreads();
        text = await readFile(file, "utf8");
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${reason(err)}`);
      }
    }
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file ?? "standard input"} is not valid JSON: ${(err as Error).message}`);
    }
    // Requests are at most a few levels deep (x: n x d, covariances: k x d x d); deeper ones are refused before anything walks them.
    if (exceedsJsonDepth(request)) throw new UsageError(`request is nested too deeply: at most ${MAX_JSON_DEPTH} levels of lists and objects`);
    let result: Record<string, unknown>;
    try {
      result = solver.solve(request);
    } catch (err) {
      if (err instanceof solver.SolverError) throw new UsageError(err.message);
      throw err;
    }
    // A reader that stops early (likely solve req.json | head) is not an error.
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
    });
    process.stdout.write(JSON.stringify(result) + "\n");
    return 0;
  },
};
