/**
 * This process's fan-out of quiz events to its Server-Sent Event streams; other processes hear of
 * a change through the notify bus (src/quiz/service.ts) and announce it to theirs. The hub only
 * carries news: every decision (may this answer be stored?) is made from the database. Clients treat an event as "re-fetch
 * the state" and reconnect (with the `retry:` hint) after a dropped connection.
 */
import { sseClientClosed, sseClientOpened } from "../ops/metrics";
import type { Response } from "express";

export type Audience = "presenter" | "student";

type Subscriber = { res: Response; audience: Audience; userId: number };

/** Comment lines every 15 s keep proxies and phones from dropping an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** Reconnect hint for EventSource (milliseconds). */
export const RETRY_MS = 2_000;
/** Answer counts go to presenters at most this often (a class answering at once is one update). */
export const COUNT_THROTTLE_MS = 250;

/** Formats one SSE message. `data` is JSON on a single line. */
export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class QuizHub {
  private readonly rooms = new Map<number, Set<Subscriber>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly closeTimers = new Map<number, NodeJS.Timeout>();
  private readonly countTimers = new Map<number, NodeJS.Timeout>();

  /**
   * Turns `res` into an event stream for one quiz and keeps it until the client goes away.
   * `first` is written at once (the current state), so a reconnect is a full resync.
   */
  subscribe(quizId: number, audience: Audience, userId: number, res: Response, first: string[]): void {
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache, no-store, no-transform");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${RETRY_MS}\n\n`);
    for (const m of first) res.write(m);

    const sub: Subscriber = { res, audience, userId };
    let room = this.rooms.get(quizId);
    if (!room) this.rooms.set(quizId, (room = new Set()));
    room.add(sub);
    sseClientOpened();
    this.ensureHeartbeat();
    res.on("close", () => {
      sseClientClosed();
      room.delete(sub);
      if (room.size === 0 && this.rooms.get(quizId) === room) this.rooms.delete(quizId);
      if (this.subscriberCount() === 0) this.stopHeartbeat();
    });
  }

  /** Sends an event to the quiz's subscribers (all, or one audience). */
  publish(quizId: number, event: string, data: unknown, audience?: Audience): number {
    const room = this.rooms.get(quizId);
    if (!room) return 0;
    const message = sseMessage(event, data);
    let sent = 0;
    for (const sub of room) {
      if (audience && sub.audience !== audience) continue;
      if (!sub.res.writableEnded) {
        sub.res.write(message);
        sent++;
      }
    }
    return sent;
  }

  /** Open streams, for one quiz or all. */
  subscriberCount(quizId?: number, audience?: Audience): number {
    const rooms = quizId === undefined ? [...this.rooms.values()] : [this.rooms.get(quizId) ?? new Set<Subscriber>()];
    let n = 0;
    for (const room of rooms) for (const s of room) if (!audience || s.audience === audience) n++;
    return n;
  }

  /** Runs `fire` at `at` (replacing an earlier timer for the quiz): announces "time is up". */
  scheduleClose(quizId: number, at: Date, fire: () => void): void {
    this.cancelClose(quizId);
    const delay = Math.max(0, at.getTime() - Date.now()) + 20;
    const timer = setTimeout(() => {
      this.closeTimers.delete(quizId);
      fire();
    }, delay);
    timer.unref();
    this.closeTimers.set(quizId, timer);
  }

  cancelClose(quizId: number): void {
    const t = this.closeTimers.get(quizId);
    if (t) clearTimeout(t);
    this.closeTimers.delete(quizId);
  }

  /** Calls `flush` once within COUNT_THROTTLE_MS, however many answers arrive meanwhile. */
  throttleCount(quizId: number, flush: () => void): void {
    if (this.countTimers.has(quizId)) return;
    const timer = setTimeout(() => {
      this.countTimers.delete(quizId);
      flush();
    }, COUNT_THROTTLE_MS);
    timer.unref();
    this.countTimers.set(quizId, timer);
  }

  /** Quizzes with at least one open stream in this process. */
  quizIds(): number[] {
    return [...this.rooms.keys()];
  }

  /** Is a "time is up" announcement scheduled for this quiz? */
  hasCloseTimer(quizId: number): boolean {
    return this.closeTimers.has(quizId);
  }

  /** Stops every timer and ends every stream: the server is shutting down (nothing fires afterwards). */
  close(): void {
    for (const t of [...this.countTimers.values(), ...this.closeTimers.values()]) clearTimeout(t);
    this.countTimers.clear();
    this.closeTimers.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const room of this.rooms.values()) for (const s of room) if (!s.res.writableEnded) s.res.end();
    this.rooms.clear();
  }

  private ensureHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const line = `: heartbeat ${new Date().toISOString()}\n\n`;
      for (const room of this.rooms.values()) for (const s of room) if (!s.res.writableEnded) s.res.write(line);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

const hubs = new WeakMap<object, QuizHub>();

/** The hub of one application (keyed by its database handle, so the API and the pages share it). */
export function hubFor(key: object): QuizHub {
  let hub = hubs.get(key);
  if (!hub) hubs.set(key, (hub = new QuizHub()));
  return hub;
}

/** Closes the hub of this database, if one was made (before the database itself is closed). */
export function closeHub(key: object): void {
  hubs.get(key)?.close();
  hubs.delete(key);
}
