import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { PASS_OPS, type PassOp, passKernel } from "./em-codegen";
import { allocatePassArrays, type CovarianceType, type PassInput, statsStride } from "./em-kernels";
import {
  type BindMessage,
  CONTROL_SLOTS,
  DONE,
  END,
  FAILED,
  OP,
  OP_EXIT,
  OUT_LOGLIK,
  OUT_MS,
  OUT_STATS,
  READY,
  SEQ,
  START,
  waitWhile,
} from "./pass-protocol";
import type { Points } from "./points";

/** What one pass returns. */
export interface PassResult {
  /** sum over all points of ln p(x(i)) */
  logLikelihood: number;
  /** k x stride statistics (see em-kernels.ts) when asked for */
  acc: Float64Array | null;
}

/**
 * Runs passes of one covariance type over one data set, on the main thread and, for large data,
 * on worker threads too (each thread takes an equal block of points). The caller fills `input`'s
 * means, logConst and prec (preparePass) before each run.
 */
export interface PassRunner {
  readonly input: PassInput;
  /** n x k responsibilities written by "resp" passes; null unless the runner was created with resp. */
  readonly resp: Float64Array | null;
  run(op: PassOp): PassResult;
  /** Releases the worker threads (they go back to an idle pool). */
  close(): void;
}

const WORKER_FILE = join(__dirname, "em-worker.js");
/** Below this many points x components x passes, threads cost more than they save. */
const MIN_THREADED_WORK = 2_000_000;
const MIN_THREADED_POINTS = 10_000;
const MAX_THREADS = 4;

/** Idle workers, unref'd so they never keep the process alive. */
const idle: Worker[] = [];

/**
 * The number of threads (main thread included) worth using: every core, up to MAX_THREADS, for
 * enough work on a machine that is not already busy. Every pass ends in a barrier, so a worker on a
 * core that other processes keep busy makes a pass slower, not faster: when the one-minute load
 * average exceeds the cores (this process counts as one), only the main thread runs.
 * LIKELY_SOLVER_THREADS overrides all this (1 = main thread only). Threads need the compiled worker
 * file, so under ts-jest they are off.
 */
function threadCount(n: number, k: number, passes: number): number {
  const forced = Number.parseInt(process.env.LIKELY_SOLVER_THREADS ?? "", 10);
  const cores = availableParallelism();
  const busy = loadavg()[0] > cores + 0.5;
  const enoughWork = n >= MIN_THREADED_POINTS && n * k * passes >= MIN_THREADED_WORK;
  const wanted = forced >= 1 ? forced : enoughWork && !busy ? Math.min(cores, MAX_THREADS) : 1;
  return wanted > 1 && existsSync(WORKER_FILE) ? wanted : 1;
}

function takeWorker(): Worker {
  let worker = idle.pop();
  if (worker === undefined) {
    worker = new Worker(WORKER_FILE);
    // A worker that fails to start never reports READY, so the main thread simply does its share.
    worker.on("error", () => undefined);
    worker.unref();
  }
  return worker;
}

/**
 * Starts worker threads ahead of a large solve so their start-up overlaps with reading the input.
 * A no-op without the compiled worker file, with one core or on a busy machine (see threadCount).
 */
export function warmUpSolverThreads(): void {
  // As many workers as a large run would use now (threadCount also checks for the worker file).
  const count = threadCount(MIN_THREADED_POINTS, 1, MIN_THREADED_WORK) - 1 - idle.length;
  for (let i = 0; i < count; i++) idle.push(takeWorker());
}

interface Bound {
  worker: Worker;
  control: Int32Array;
  out: Float64Array;
  seq: number;
  /** points per ms in recent passes (0 until measured) */
  speed: number;
}

/** Blends a new speed measurement (points per ms) into an estimate. */
function blend(estimate: number, points: number, ms: number): number {
  if (!(ms > 0) || points === 0) return estimate;
  return estimate === 0 ? points / ms : 0.5 * estimate + (0.5 * points) / ms;
}

/**
 * @param points the data (x: n x d)
 * @param passes how many passes the caller expects (decides whether threads pay off)
 * @param withResp allocate an n x k responsibilities array for "resp" passes
 */
export function createPassRunner(type: CovarianceType, points: Points, k: number, passes: number, withResp: boolean): PassRunner {
  const { n, d } = points;
  const threads = threadCount(n, k, passes);
  const shared = threads > 1;
  const params = allocatePassArrays(type, k, d, shared);
  let x = points.x;
  if (shared && !(x.buffer instanceof SharedArrayBuffer)) {
    x = new Float64Array(new SharedArrayBuffer(n * d * 8));
    x.set(points.x);
  }
  const input: PassInput = { x, d, k, ...params };
  const resp = withResp ? new Float64Array(shared ? new SharedArrayBuffer(n * k * 8) : new ArrayBuffer(n * k * 8)) : null;
  const stride = statsStride(type, d);
  const bound: Bound[] = [];
  for (let w = 1; w < threads; w++) {
    const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    const out = new SharedArrayBuffer((OUT_STATS + k * stride) * 8);
    const message: BindMessage = {
      type,
      n,
      d,
      k,
      x: x.buffer as SharedArrayBuffer,
      params: params.means.buffer as SharedArrayBuffer,
      control,
      out,
      resp: resp === null ? null : (resp.buffer as SharedArrayBuffer),
    };
    const worker = takeWorker();
    worker.postMessage(message);
    bound.push({ worker, control: new Int32Array(control), out: new Float64Array(out), seq: 0, speed: 0 });
  }
  let mainSpeed = 0;

  function run(op: PassOp): PassResult {
    const code = 1 + PASS_OPS.indexOf(op);
    const kernel = passKernel(type, d, k, op);
    // Workers still starting up sit this pass out; the main thread covers their share. Blocks are
    // sized by each thread's measured speed, so a thread that is slower (still compiling its
    // kernel, or sharing its core with other processes) gets fewer points.
    const helpers = bound.filter((b) => Atomics.load(b.control, READY) === 1);
    const speeds = [mainSpeed, ...helpers.map((b) => b.speed)];
    const known = speeds.filter((v) => v > 0);
    const fallback = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
    const shares = speeds.map((v) => (v > 0 ? v : fallback));
    const total = shares.reduce((a, b) => a + b, 0);
    const bounds = [0];
    for (let t = 0, sum = 0; t < shares.length; t++) bounds.push(t === shares.length - 1 ? n : Math.round((n * (sum += shares[t])) / total));
    helpers.forEach((b, h) => {
      b.control[OP] = code;
      b.control[START] = bounds[h + 1];
      b.control[END] = bounds[h + 2];
      b.seq += 1;
      Atomics.store(b.control, SEQ, b.seq);
      Atomics.notify(b.control, SEQ);
    });
    const withStats = op === "stats" || op === "stats-shifted";
    const acc = new Float64Array(k * stride);
    const started = performance.now();
    let logLikelihood = kernel(input, 0, bounds[1], acc, resp);
    mainSpeed = blend(mainSpeed, bounds[1], performance.now() - started);
    helpers.forEach((b, h) => {
      waitWhile(b.control, DONE, b.seq - 1);
      if (b.control[FAILED] === 1) throw new Error("an EM worker thread failed");
      b.speed = blend(b.speed, bounds[h + 2] - bounds[h + 1], b.out[OUT_MS]);
      logLikelihood += b.out[OUT_LOGLIK];
      if (withStats) for (let i = 0; i < acc.length; i++) acc[i] += b.out[OUT_STATS + i];
    });
    return { logLikelihood, acc: withStats ? acc : null };
  }

  function close(): void {
    for (const b of bound) {
      b.control[OP] = OP_EXIT;
      Atomics.store(b.control, SEQ, b.seq + 1);
      Atomics.notify(b.control, SEQ);
      idle.push(b.worker);
    }
    bound.length = 0;
  }

  return { input, resp, run, close };
}
