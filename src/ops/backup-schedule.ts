/**
 * Scheduled backups from the server itself (LIKELY_BACKUP_DIR, LIKELY_BACKUP_EVERY_HOURS,
 * LIKELY_BACKUP_KEEP): the first at start-up, then one every interval, each by running the same
 * `likely backup FILE` an operator runs, in a child process, so a VACUUM INTO of a large database
 * never stalls this process's event loop. After each success only the newest `keep` are kept.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { projectRoot } from "../paths";
import { backupFailed, backupSucceeded } from "./metrics";

/** Names this schedule writes and is allowed to delete: likely-20261130T221500Z.db */
const BACKUP_NAME = /^likely-\d{8}T\d{6}Z\.db$/;

export type BackupSchedule = { stop(): void; /** Resolves when the backup in progress (if any) ends. */ idle(): Promise<void> };

export function backupFileName(at: Date): string {
  return `likely-${at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z")}.db`;
}

/** Deletes all but the newest `keep` scheduled backups in `dir`; returns the names removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = fs.readdirSync(dir).filter((n) => BACKUP_NAME.test(n)).sort();
  const removed = names.slice(0, Math.max(0, names.length - keep));
  for (const n of removed) fs.rmSync(path.join(dir, n), { force: true });
  return removed;
}

function runBackupCommand(databaseUrl: string, file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, "bin", "likely.js"), "backup", file], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function startBackupSchedule(options: { databaseUrl: string; dir: string; everyHours: number; keep: number; logger: Logger }): BackupSchedule {
  const { dir, keep, logger } = options;
  let running: Promise<void> | undefined;

  async function once(): Promise<void> {
    const file = path.join(dir, backupFileName(new Date()));
    try {
      fs.mkdirSync(dir, { recursive: true });
      const r = await runBackupCommand(options.databaseUrl, file);
      if (r.code !== 0) throw new Error(r.stderr.trim() || `likely backup exited with ${r.code}`);
      const result = JSON.parse(r.stdout) as { file: string; bytes: number; submissions: number };
      backupSucceeded(new Date());
      const removed = pruneBackups(dir, keep);
      logger.info({ backup: result, removed }, `backup written to ${result.file}`);
    } catch (err) {
      backupFailed();
      logger.error({ err, file }, "scheduled backup failed");
    }
  }

  function tick(): void {
    if (running) return logger.warn("scheduled backup skipped: the previous one is still running");
    running = once().finally(() => (running = undefined));
  }

  tick();
  const timer = setInterval(tick, options.everyHours * 3600_000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    idle: async () => {
      await running;
    },
  };
}
