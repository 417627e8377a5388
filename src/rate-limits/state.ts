/**
 * Fixed-window hit counters behind one small interface: in memory (one process: SQLite) or in the
 * database (RateLimitWindow), so that several processes (PostgreSQL) share one count per key.
 */
import type { Db } from "../db/client";
import { deleteEndedRateLimitWindows, deleteRateLimitWindow, hitRateLimitWindow, undoRateLimitHit } from "../db/rate-limit-windows";

/** Hits so far in a key's current window, and when that window ends. */
export type WindowCount = { hits: number; resetAt: Date };

export interface RateLimitState {
  /** Counts one hit for `key`; a window starts at the first hit after the previous one ended and lasts `windowMs`. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** Takes one hit back (e.g. a sign-in that succeeded), if the window is still running. */
  undo(key: string): Promise<void>;
  /** Forgets the key's window. */
  reset(key: string): Promise<void>;
  /** True when the counts live in this process only. */
  readonly local: boolean;
}

/** Windows whose end has passed are dropped every this many hits, so memory stays bounded by the active keys. */
const PRUNE_EVERY = 1000;

export class MemoryRateLimitState implements RateLimitState {
  readonly local = true;
  #windows = new Map<string, { hits: number; resetAt: number }>();
  #sincePrune = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    if (++this.#sincePrune >= PRUNE_EVERY) this.#prune(now);
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { hits: 0, resetAt: now + windowMs };
      this.#windows.set(key, w);
    }
    w.hits++;
    return { hits: w.hits, resetAt: new Date(w.resetAt) };
  }

  async undo(key: string): Promise<void> {
    const w = this.#windows.get(key);
    if (w && w.resetAt > this.now() && w.hits > 0) w.hits--;
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  #prune(now: number): void {
    this.#sincePrune = 0;
    for (const [key, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(key);
  }
}

/** Counts in the RateLimitWindow table: every process of one database shares each window. */
export class DbRateLimitState implements RateLimitState {
  readonly local = false;
  #sincePrune = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = new Date(this.now());
    if (++this.#sincePrune >= PRUNE_EVERY) {
      this.#sincePrune = 0;
      await deleteEndedRateLimitWindows(this.db, now);
    }
    return hitRateLimitWindow(this.db, key, windowMs, now);
  }

  undo(key: string): Promise<void> {
    return undoRateLimitHit(this.db, key, new Date(this.now()));
  }

  reset(key: string): Promise<void> {
    return deleteRateLimitWindow(this.db, key);
  }
}
