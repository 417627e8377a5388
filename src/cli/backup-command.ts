/**
 * `likely backup FILE` and `likely restore-check FILE`: an online copy of the SQLite database at
 * DATABASE_URL while the server runs, and a report on a copy before trusting it.
 */
import path from "node:path";
import type { Command } from "./command";
import { commandDatabaseUrl } from "./database";
import { UsageError } from "./usage-error";

/** PostgreSQL has its own consistent online dump; VACUUM INTO is SQLite's. */
function refusePostgres(): void {
  const url = process.env.DATABASE_URL ?? "";
  if (/^postgres(ql)?:/i.test(url)) {
    throw new UsageError('DATABASE_URL is a PostgreSQL database: back it up with pg_dump (e.g. pg_dump --format=custom --file=likely.dump "$DATABASE_URL"), restore with pg_restore');
  }
}

function oneFile(args: string[], usage: string): string {
  if (args.length !== 1 || args[0]!.startsWith("-")) throw new UsageError(`expected one FILE: likely ${usage}`);
  return args[0]!;
}

export const backupCommand: Command = {
  summary: "an online, consistent copy of the SQLite database at DATABASE_URL (safe while the server runs); prints {file, bytes, submissions}",
  usage: "backup FILE",
  async run(args) {
    refusePostgres();
    const file = oneFile(args, "backup FILE");
    const url = commandDatabaseUrl();
    const { databaseFile } = await import("../db/client");
    const { backupSqlite, BackupError } = await import("../ops/sqlite-backup");
    try {
      process.stdout.write(JSON.stringify(backupSqlite(databaseFile(url), file)) + "\n");
    } catch (err) {
      if (err instanceof BackupError) throw new UsageError(err.message);
      throw err;
    }
    return 0;
  },
};

export const restoreCheckCommand: Command = {
  summary: "open a backup read-only and report its integrity, counts and pending migrations (exit 1 when integrity_check fails); restore by starting with DATABASE_URL=file:FILE",
  usage: "restore-check FILE",
  async run(args) {
    const file = oneFile(args, "restore-check FILE");
    const { checkCopy, BackupError, DamagedCopyError } = await import("../ops/sqlite-backup");
    const { committedMigrations } = await import("../db/migrate");
    try {
      const report = checkCopy(file, committedMigrations());
      process.stdout.write(JSON.stringify(report, null, 2) + "\n");
      return report.integrity === "ok" && report.foreignKeyProblems === 0 ? 0 : 1;
    } catch (err) {
      if (err instanceof DamagedCopyError) {
        process.stdout.write(JSON.stringify({ file: path.resolve(file), integrity: [err.message] }, null, 2) + "\n");
        return 1;
      }
      if (err instanceof BackupError) throw new UsageError(err.message);
      throw err;
    }
  },
};
