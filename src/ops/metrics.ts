/**
 * Prometheus metrics (prom-client) for GET /metrics. No Express here: the web layer observes
 * requests through `observeRequest`, services count what they did, and `renderMetrics` writes the
 * text format. One registry per process, so every counter is the process's total.
 */
import client from "prom-client";

export const registry = new client.Registry();

// Process metrics: CPU, resident memory, heap, open handles, GC, and event-loop lag
// (nodejs_eventloop_lag_seconds plus its p50/p90/p99 over a 10 ms resolution histogram).
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

const requestDuration = new client.Histogram({
  name: "likely_http_request_duration_seconds",
  help: "HTTP request durations by method, route template (e.g. /api/v1/variants/:id/submissions) and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const gradedSubmissions = new client.Counter({
  name: "likely_graded_submissions_total",
  help: "Homework and exam submissions graded and committed (retries answered from the idempotency key not counted)",
  labelNames: ["result"] as const,
  registers: [registry],
});

const quizAnswers = new client.Counter({
  name: "likely_quiz_answers_total",
  help: "Live-quiz answers graded and stored",
  registers: [registry],
});

const sseClients = new client.Gauge({
  name: "likely_sse_clients",
  help: "Open live-quiz event streams (Server-Sent Events) on this process",
  registers: [registry],
});

const backupLastSuccess = new client.Gauge({
  name: "likely_backup_last_success_timestamp_seconds",
  help: "When the last scheduled backup finished (Unix time; 0 = none yet or not scheduled)",
  registers: [registry],
});
const backupFailures = new client.Counter({
  name: "likely_backup_failures_total",
  help: "Scheduled backups that failed (the reason is in the log)",
  registers: [registry],
});

/** What the LMS grade-passback outbox reports when scraped. */
export type OutboxCounts = { pending: number; failed: number };
/** Reads the outbox's backlog; registered by the outbox (LTI) code with setOutboxCollector. */
export type OutboxCollector = () => OutboxCounts | Promise<OutboxCounts>;

let outboxCollector: OutboxCollector | undefined;

/**
 * THE HOOK for the grade-passback outbox: its owner registers a function that counts pending and
 * permanently failed deliveries (e.g. two COUNT queries), called on every scrape. Until one is
 * registered the gauges read 0 and likely_outbox_collector_registered reads 0. Returns a function
 * that unregisters it (for tests and shutdown).
 */
export function setOutboxCollector(collector: OutboxCollector): () => void {
  outboxCollector = collector;
  return () => {
    if (outboxCollector === collector) outboxCollector = undefined;
  };
}

let outboxSnapshot: Promise<OutboxCounts> | undefined;
/** One collector call per scrape, shared by the gauges below. */
async function readOutbox(): Promise<OutboxCounts> {
  outboxSnapshot ??= (async () => {
    try {
      return outboxCollector ? await outboxCollector() : { pending: 0, failed: 0 };
    } finally {
      setImmediate(() => (outboxSnapshot = undefined));
    }
  })();
  return outboxSnapshot;
}

new client.Gauge({
  name: "likely_outbox_pending",
  help: "Grade-passback deliveries waiting to be sent or retried",
  registers: [registry],
  async collect() {
    this.set((await readOutbox()).pending);
  },
});
new client.Gauge({
  name: "likely_outbox_failed",
  help: "Grade-passback deliveries that gave up (shown to the instructor with the reason)",
  registers: [registry],
  async collect() {
    this.set((await readOutbox()).failed);
  },
});
new client.Gauge({
  name: "likely_outbox_collector_registered",
  help: "1 when the outbox has registered its collector (setOutboxCollector), 0 while the outbox gauges read a placeholder 0",
  registers: [registry],
  collect() {
    this.set(outboxCollector ? 1 : 0);
  },
});

/** Called once per finished request by the web layer. */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  requestDuration.observe({ method, route, status: String(status) }, seconds);
}

/** A graded, committed submission: `score` is the fraction of parts right (0..1). */
export function countGradedSubmission(score: number): void {
  gradedSubmissions.inc({ result: score >= 1 ? "correct" : score > 0 ? "partly" : "wrong" });
}

export function countQuizAnswer(): void {
  quizAnswers.inc();
}

export function sseClientOpened(): void {
  sseClients.inc();
}

export function sseClientClosed(): void {
  sseClients.dec();
}

export function backupSucceeded(at: Date): void {
  backupLastSuccess.set(at.getTime() / 1000);
}

export function backupFailed(): void {
  backupFailures.inc();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

export function renderMetrics(): Promise<string> {
  return registry.metrics();
}
