import crypto from "node:crypto";
import { selectOptionalAssignment } from "../db/assignments";
import type { Db } from "../db/client";
import { selectOptionalPlatform, type PlatformRow } from "../db/lti";
import { claimDueScore, markScoreFailed, markScoreSkipped, markScoreRetry, markScoreSent, selectDueScores, selectStudentAttempts, type DueScore } from "../db/lti-outbox";
import { totalPoints } from "../homework/assignment-view";
import { countedScore } from "../homework/policy";
import { FETCH_TIMEOUT_MS, ServiceError } from "../lti/access-token";
import { postScore, type Score } from "../lti/ags";
import { signingKey } from "../lti/keys";

/**
 * Delivers the grade passback outbox: polls for due rows, sends each student's current counted
 * points, and on 5xx/429/timeouts retries with exponential backoff capped at a minute. The outbox
 * lives in the database, so a crash or restart loses nothing: due rows are simply sent on start.
 * Every server process runs a worker; each row is claimed before it is sent (claimDueScore), so
 * several workers send each score once.
 */
export const MAX_BACKOFF_MS = 60_000;
const BASE_BACKOFF_MS = 500;
const POLL_MS = 200;
const BATCH = 50;
const PARALLEL = 8;
/**
 * A claimed row is due again after this long if its worker never reports back (it died
 * mid-delivery). A delivery is at most a token request and a score request, each cut off at
 * FETCH_TIMEOUT_MS, plus a few queries: the lease covers that with 15 s to spare, and no more, since
 * a score claimed by a killed process waits out the whole lease (it was 120 s, and a SIGKILL that
 * landed mid-claim held a score back for two minutes).
 */
export const CLAIM_LEASE_MS = 2 * FETCH_TIMEOUT_MS + 15_000;

export function backoffMs(attempts: number): number {
  const full = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempts);
  // Jitter (0-25% off) so a class's retries do not arrive at once; drawn from node:crypto, not the global unseeded generator.
  return Math.round(full * (1 - crypto.randomInt(0, 251) / 1000));
}

export type WorkerOptions = { secret: string; pollMs?: number; log?: (line: string) => void };
export type ScoreWorker = { stop(): Promise<void>; drainOnce(): Promise<number> };

/** The score to send: the student's counted points on the assignment, as the gradebook counts them. */
export async function currentScore(db: Db, row: DueScore): Promise<Omit<Score, "userId" | "timestamp"> | "nothing-yet" | null> {
  const assignment = await selectOptionalAssignment(db, row.assignmentId);
  if (!assignment) return null;
  const attempts = await selectStudentAttempts(db, row.assignmentId, row.userId);
  if (attempts.size === 0) return "nothing-yet"; // e.g. an extension before any submission: no score to send
  let earned = 0;
  let attemptedAll = true;
  for (const item of assignment.items) {
    const counted = countedScore(attempts.get(item.id) ?? [], assignment.scorePolicy);
    if (counted === null) attemptedAll = false;
    else earned += counted * item.points;
  }
  return {
    scoreGiven: Math.round(earned * 1000) / 1000,
    scoreMaximum: totalPoints(assignment),
    activityProgress: attemptedAll ? "Completed" : "Submitted",
    gradingProgress: "FullyGraded",
  };
}

export function startScoreWorker(db: Db, o: WorkerOptions): ScoreWorker {
  const log = o.log ?? ((line: string) => console.log(line));
  const platforms = new Map<number, PlatformRow | null>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function deliver(row: DueScore): Promise<void> {
    // Another worker (this process's or another's) took it first: it is theirs to send.
    if (!(await claimDueScore(db, row, new Date(Date.now() + CLAIM_LEASE_MS)))) return;
    if (!platforms.has(row.platformId)) platforms.set(row.platformId, await selectOptionalPlatform(db, row.platformId));
    const platform = platforms.get(row.platformId);
    if (!platform) return markScoreFailed(db, row.id, row.version, "the platform is no longer registered");
    const score = await currentScore(db, row);
    if (!score) return markScoreFailed(db, row.id, row.version, "the assignment no longer exists");
    if (score === "nothing-yet") return markScoreSkipped(db, row.id, row.version);
    try {
      const key = await signingKey(db, o.secret);
      await postScore(platform, key, row.lineItemUrl, { userId: row.sub, ...score, timestamp: row.changedAt.toISOString() });
      await markScoreSent(db, row.id, row.version, score.scoreGiven);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof ServiceError && !err.retry) {
        log(`lti: score for user ${row.userId} on assignment ${row.assignmentId} refused: ${message}`);
        await markScoreFailed(db, row.id, row.version, message);
      } else {
        await markScoreRetry(db, row.id, row.version, new Date(Date.now() + backoffMs(row.attempts)), message);
      }
    }
  }

  /** Sends every due row once; resolves to how many it tried. */
  async function drainOnce(): Promise<number> {
    const due = await selectDueScores(db, new Date(), BATCH);
    platforms.clear();
    let next = 0;
    const lanes = Array.from({ length: Math.min(PARALLEL, due.length) }, async () => {
      while (next < due.length && !stopped) await deliver(due[next++]!);
    });
    await Promise.all(lanes);
    return due.length;
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      running = drainOnce();
      const n = await running;
      if (!stopped) timer = setTimeout(tick, n === BATCH ? 0 : (o.pollMs ?? POLL_MS));
    } catch (err) {
      if (stopped) return;
      log(`lti: outbox worker error: ${(err as Error).message}`);
      timer = setTimeout(tick, 1000);
    }
  }
  timer = setTimeout(tick, 0);

  return {
    drainOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
    },
  };
}
