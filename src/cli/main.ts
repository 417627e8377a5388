import { UsageError } from "./usage-error";

/** A subcommand: runs with the arguments after its name, resolves to the exit status. */
export type Command = {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
};

// Loaded lazily so `likely solve` never pays for the web stack.
const commands: Record<string, () => Command> = {};

/** Registers a subcommand; each command module calls this once. */
export function registerCommand(name: string, load: () => Command): void {
  commands[name] = load;
}

function help(): string {
  const lines = ["Usage: likely <command> [options]", "", "Commands:"];
  for (const [name, load] of Object.entries(commands)) {
    const cmd = load();
    lines.push(`  ${cmd.usage.padEnd(58)} ${cmd.summary}`);
    void name;
  }
  lines.push("", "Bad input exits with status 2 and one line on standard error.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<void> {
  registerAll();
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(help() + "\n");
    return;
  }
  const load = commands[name];
  try {
    if (!load) throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(commands).join(", ")}`);
    process.exitCode = await load().run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`likely ${name ?? ""}: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`likely ${name}: internal error: ${message}\n`);
    process.exitCode = 1;
  }
}

function registerAll(): void {
  // Each subcommand lives in its own module under src/cli/.
  for (const mod of COMMAND_MODULES) mod();
}

/** Subcommand modules, each exporting `register()`; appended as commands arrive. */
const COMMAND_MODULES: Array<() => void> = [];
