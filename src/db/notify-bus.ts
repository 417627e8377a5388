import crypto from "node:crypto";
import { Client, Pool } from "pg";
import { postgresUrlOf, type Db } from "./client";

/**
 * News between the server processes of one database: "quiz 7 changed". Only news: every decision
 * still reads the database, so a lost message costs freshness, never correctness, and a reconnect
 * is followed by a resync (subscribers re-read what they show). Not for revocations: "give or take
 * their event loops" (below) let a revoked token through another process (src/db/revocations.ts).
 *
 * SQLite runs one process: messages go to this process's subscribers. PostgreSQL: `pg_notify` on
 * one channel, and one dedicated connection per process LISTENing to it (reconnected with backoff).
 * A message published after a COMMIT reaches every process; `publish` resolves once this process's
 * own listener has heard it back, so by then the others (signalled by the same COMMIT) have had it
 * too, give or take their event loops.
 */
export type Topic = "quiz";

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;
const CHANNEL = "likely_news";
/** How long `publish` waits for its own echo before giving up on it (the message is sent anyway). */
const ECHO_WAIT_MS = 1000;

type Envelope = { t: Topic; o: string; n: number; d: unknown };

export type Handler = (data: unknown, fromThisProcess: boolean) => void;

export interface NotifyBus {
  /** Sends `data` (JSON, small) to every process's subscribers of `topic`, this process's included. */
  publish(topic: Topic, data: unknown): Promise<void>;
  subscribe(topic: Topic, handler: Handler): () => void;
  /** Called after messages may have been missed (the listener reconnected): re-read and re-announce. */
  onResync(handler: () => void): () => void;
  /** True when other processes may share the database (messages travel through it). */
  readonly shared: boolean;
  close(): Promise<void>;
}

abstract class BaseBus implements NotifyBus {
  abstract readonly shared: boolean;
  protected readonly origin = crypto.randomBytes(8).toString("hex");
  protected readonly handlers = new Map<Topic, Set<Handler>>();
  protected readonly resyncs = new Set<() => void>();
  protected closed = false;

  abstract publish(topic: Topic, data: unknown): Promise<void>;
  abstract close(): Promise<void>;

  subscribe(topic: Topic, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onResync(handler: () => void): () => void {
    this.resyncs.add(handler);
    return () => this.resyncs.delete(handler);
  }

  protected deliver(e: Envelope): void {
    if (this.closed) return;
    for (const h of this.handlers.get(e.t) ?? []) {
      try {
        h(e.d, e.o === this.origin);
      } catch (err) {
        console.error(`[${new Date().toISOString()}] notify-bus ${e.t} handler failed:`, err);
      }
    }
  }

  protected envelope(topic: Topic, data: unknown, n: number): string {
    const text = JSON.stringify({ t: topic, o: this.origin, n, d: data } satisfies Envelope);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw new Error(`notify-bus: ${topic} message of ${Buffer.byteLength(text)} bytes is over ${MAX_PAYLOAD_BYTES}: send an id, not the content`);
    return text;
  }
}

/** One process (SQLite): delivered on the next turn of the event loop, as a NOTIFY would be. */
export class LocalBus extends BaseBus {
  readonly shared = false;
  async publish(topic: Topic, data: unknown): Promise<void> {
    const e = JSON.parse(this.envelope(topic, data, 0)) as Envelope;
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        this.deliver(e);
        resolve();
      }),
    );
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * PostgreSQL: LISTEN on one dedicated connection; pg_notify through a small pool of its own (two
 * connections), so news never waits behind the application's queries.
 */
export class PgBus extends BaseBus {
  readonly shared = true;
  #client: Client | undefined;
  readonly #pool: Pool;
  #connecting: Promise<void> | undefined;
  #retryMs = 100;
  #retryTimer: NodeJS.Timeout | undefined;
  #sent = 0;
  readonly #echoes = new Map<number, () => void>();
  /** Reconnects so far (for tests and logs). */
  reconnects = 0;

  constructor(private readonly url: string) {
    super();
    this.#pool = new Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    this.#pool.on("error", () => undefined); // an idle connection dropped: the next query opens another
    this.#connecting = this.#connect(false);
  }

  /** False while messages from other processes may be missed (the listener is reconnecting). */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** Resolves once the listener is connected (or the bus is closed). */
  ready(): Promise<void> {
    return this.#connecting ?? Promise.resolve();
  }

  async #connect(isReconnect: boolean): Promise<void> {
    let client: Client;
    try {
      client = new Client({ connectionString: this.url });
    } catch (err) {
      // Not a network failure (those come from connect() below): retrying cannot help.
      this.#giveUp(err);
      return;
    }
    client.on("notification", (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let e: Envelope;
      try {
        e = JSON.parse(msg.payload) as Envelope;
      } catch {
        return;
      }
      if (e.o === this.origin) this.#echoes.get(e.n)?.();
      this.deliver(e);
    });
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      // The database itself is gone (dropped): nothing will ever answer this LISTEN again.
      if ((err as { code?: string }).code === "3D000") this.#giveUp(err);
      else this.#scheduleReconnect(err);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    // The listener alone never keeps a process alive (the HTTP server does, while it runs).
    (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    this.#client = client;
    this.#retryMs = 100;
    if (isReconnect) {
      this.reconnects++;
      for (const r of this.resyncs) r();
    }
  }

  #lost(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    void client.end().catch(() => undefined);
    this.#scheduleReconnect(new Error("listener connection lost"));
  }

  #giveUp(err: unknown): void {
    if (this.closed) return;
    this.closed = true;
    console.error(`[${new Date().toISOString()}] notify-bus: ${(err as Error).message ?? err}; not reconnecting`);
  }

  #scheduleReconnect(err: unknown): void {
    if (this.closed || this.#retryTimer) return;
    console.error(`[${new Date().toISOString()}] notify-bus: ${(err as Error).message ?? err}; reconnecting in ${this.#retryMs} ms`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connecting = this.#connect(true);
    }, this.#retryMs);
    this.#retryTimer.unref();
    this.#retryMs = Math.min(5000, this.#retryMs * 2);
  }

  async publish(topic: Topic, data: unknown): Promise<void> {
    if (this.closed) return; // shutting down: a late timer's news has nobody left to tell
    const n = ++this.#sent;
    const payload = this.envelope(topic, data, n);
    const listening = this.listening;
    const echo = new Promise<void>((resolve) => {
      const timer = setTimeout(done, listening ? ECHO_WAIT_MS : 0);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#echoes.set(n, done);
    });
    try {
      await this.#pool.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]);
      await echo;
    } finally {
      this.#echoes.delete(n);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    await this.#connecting?.catch(() => undefined);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }

  /** Drops the listener connection as a network failure would (tests of reconnect-and-resync). */
  async dropListenerForTest(): Promise<void> {
    const c = this.#client;
    if (c) {
      await this.#pool.query("SELECT pg_terminate_backend($1)", [(c as unknown as { processID: number }).processID]);
    }
  }
}

const buses = new WeakMap<Db, NotifyBus>();

/** The bus of this database handle, made on first use. */
export function busFor(db: Db): NotifyBus {
  let bus = buses.get(db);
  if (!bus) {
    const url = postgresUrlOf(db);
    bus = url ? new PgBus(url) : new LocalBus();
    buses.set(db, bus);
  }
  return bus;
}

/** Closes the bus of this database, if one was made (before the database itself is closed). */
export async function closeBus(db: Db): Promise<void> {
  const bus = buses.get(db);
  buses.delete(db);
  await bus?.close();
}
