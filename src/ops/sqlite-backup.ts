/**
 * Online backups of the SQLite database and checks of a copy. No Express, no Prisma: a backup is
 * one `VACUUM INTO` on a connection of its own, which reads inside a single read transaction. In
 * WAL mode that transaction sees every commit finished before it began (so every acknowledged
 * submission) and never blocks the server's writers; a file copy could catch a page mid-write.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type BackupResult = { file: string; bytes: number; submissions: number };

export class BackupError extends Error {
  override name = "BackupError";
}

/** A copy that SQLite opens but cannot read through: damaged, not merely the wrong file. */
export class DamagedCopyError extends Error {
  override name = "DamagedCopyError";
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "SQLITE_CORRUPT" || /malformed/i.test(String((err as Error).message));
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies the live database `source` to `target` (which must not exist yet). The copy is written
 * beside the target under a temporary name, switched to journal_mode DELETE (one self-contained
 * file), flushed to disk (VACUUM INTO itself does not fsync) and renamed into place, so `target`
 * is either absent or complete.
 * @throws BackupError when the source is missing or not a Likely database, or the target exists.
 */
export function backupSqlite(source: string, target: string): BackupResult {
  const file = path.resolve(target);
  if (!fs.existsSync(source)) throw new BackupError(`database ${source} does not exist`);
  if (fs.existsSync(file)) throw new BackupError(`${target} exists already; choose a new file name`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) throw new BackupError(`folder ${dir} does not exist`);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.partial`);
  fs.rmSync(temp, { force: true });
  const src = new Database(source, { fileMustExist: true });
  try {
    src.pragma("busy_timeout = 10000");
    const hasSubmissions = src.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Submission'").get();
    if (!hasSubmissions) throw new BackupError(`${source} is not a Likely database (no Submission table)`);
    src.prepare("VACUUM INTO ?").run(temp);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`backup of ${source} failed: ${(err as Error).message}`);
  } finally {
    src.close();
  }
  let submissions: number;
  const copy = new Database(temp, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
    submissions = (copy.prepare("SELECT COUNT(*) AS n FROM Submission").get() as { n: number }).n;
  } finally {
    copy.close();
  }
  fsyncPath(temp);
  fs.renameSync(temp, file);
  fsyncPath(dir);
  return { file, bytes: fs.statSync(file).size, submissions };
}

export type CopyReport = {
  file: string;
  bytes: number;
  /** "ok", or the problems `PRAGMA integrity_check` listed. */
  integrity: "ok" | string[];
  foreignKeyProblems: number;
  counts: { users: number; admins: number; instructors: number; students: number; courses: number; assignments: number; variants: number; submissions: number; quizResponses: number };
  newestSubmissionAt: string | null;
  migrations: { applied: number; pending: string[] };
};

/**
 * Opens a copy read-only and reports its integrity and contents; `committed` are the migration
 * names this version of Likely has (pending ones are applied when a server starts on the copy).
 * @throws BackupError when the file is missing or not a Likely database; DamagedCopyError when
 * SQLite reports it malformed before integrity_check can list the damage.
 */
export function checkCopy(target: string, committed: string[]): CopyReport {
  const file = path.resolve(target);
  if (!fs.existsSync(file)) throw new BackupError(`${target} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
  } catch (err) {
    if (isCorruption(err)) throw new DamagedCopyError((err as Error).message);
    throw new BackupError(`${target} is not a readable SQLite database: ${(err as Error).message}`);
  }
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    for (const t of ["User", "Course", "Submission", "_prisma_migrations"]) {
      if (!tables.has(t)) throw new BackupError(`${target} is not a Likely database (no ${t} table)`);
    }
    const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== "ok");
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const role = (r: string) => (db.prepare("SELECT COUNT(*) AS n FROM User WHERE role = ?").get(r) as { n: number }).n;
    const newest = db.prepare("SELECT MAX(createdAt) AS t FROM Submission").get() as { t: number | string | null };
    const applied = new Set(
      (db.prepare("SELECT migration_name AS m FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all() as { m: string }[]).map((r) => r.m),
    );
    return {
      file,
      bytes: fs.statSync(file).size,
      integrity: problems.length === 0 ? "ok" : problems,
      foreignKeyProblems: db.prepare("PRAGMA foreign_key_check").all().length,
      counts: {
        users: count("SELECT COUNT(*) AS n FROM User"),
        admins: role("admin"),
        instructors: role("instructor"),
        students: role("student"),
        courses: count("SELECT COUNT(*) AS n FROM Course"),
        assignments: tables.has("Assignment") ? count("SELECT COUNT(*) AS n FROM Assignment") : 0,
        variants: tables.has("Variant") ? count("SELECT COUNT(*) AS n FROM Variant") : 0,
        submissions: count("SELECT COUNT(*) AS n FROM Submission"),
        quizResponses: tables.has("QuizResponse") ? count("SELECT COUNT(*) AS n FROM QuizResponse") : 0,
      },
      // Prisma stores DateTime on SQLite as milliseconds since the epoch.
      newestSubmissionAt: newest.t === null ? null : new Date(typeof newest.t === "number" ? newest.t : String(newest.t)).toISOString(),
      migrations: { applied: applied.size, pending: committed.filter((m) => !applied.has(m)) },
    };
  } catch (err) {
    if (isCorruption(err)) throw new DamagedCopyError((err as Error).message);
    throw err;
  } finally {
    db.close();
  }
}
