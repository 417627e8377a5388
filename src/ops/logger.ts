/** The process's logger: pino, JSON lines on standard output (or a readable form for development). */
import pino, { type DestinationStream, type Logger } from "pino";
import { REDACT_PATHS, REDACTED } from "./log-redaction";

export type LoggerOptions = {
  level: string;
  format: "json" | "pretty";
  /** Where lines go; standard output by default (tests pass a stream). */
  destination?: DestinationStream;
};

export class LoggerSetupError extends Error {
  override name = "LoggerSetupError";
}

/**
 * Lines waiting for a slow reader of standard output are kept up to this many characters, then
 * dropped. Writes are asynchronous: a synchronous write to a full pipe made pino's stream sleep
 * 100 ms with the event loop blocked (seen in a 300-answer quiz burst whose log reader lagged), and
 * every request queued behind it. The lines still pending at exit are written synchronously then.
 */
const MAX_BUFFERED_LOG = 64 * 1024 * 1024;

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: undefined, // no pid/hostname on every line; the process manager knows them
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (options.format === "pretty" && !options.destination) {
    try {
      require.resolve("pino-pretty");
    } catch {
      throw new LoggerSetupError("LIKELY_LOG_FORMAT=pretty needs the pino-pretty dev dependency (npm install); production uses json");
    }
    return pino({ ...base, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "requestId" } } });
  }
  return pino(base, options.destination ?? pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG }));
}
