import type { Command } from "./command";
import { UsageError } from "./usage-error";

// Each subcommand is its own module, loaded on use so `likely solve` never pays for the web stack.
const commands: Record<string, () => Promise<Command>> = {
  solve: async () => (await import("./solve-command")).solveCommand,
  exercises: async () => (await import("./exercises-command")).exercisesCommand,
  users: async () => (await import("./users-command")).usersCommand,
  backup: async () => (await import("./backup-command")).backupCommand,
  "restore-check": async () => (await import("./backup-command")).restoreCheckCommand,
  lti: async () => (await import("./lti-command")).ltiCommand,
};

async function help(): Promise<string> {
  const lines = ["Usage: likely <command> [options]", "", "Commands:"];
  for (const load of Object.values(commands)) {
    const cmd = await load();
    lines.push(`  likely ${cmd.usage}`, `      ${cmd.summary}`);
  }
  lines.push("", "Bad input exits with status 2 and one line on standard error.");
  return lines.join("\n");
}

/** Entry point of the `likely` bin. Never prints a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write((await help()) + "\n");
    return;
  }
  try {
    const load = commands[name];
    if (!load) {
      throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(commands).join(", ") || "(none yet)"}`);
    }
    process.exitCode = await (await load()).run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError) {
      process.stderr.write(`likely ${name}: ${message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`likely ${name}: internal error: ${message}\n`);
      process.exitCode = 1;
    }
  }
}
