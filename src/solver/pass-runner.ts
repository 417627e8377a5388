import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
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
  READY,
  SEQ,
  START,
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
 * The number of threads (main thread included) worth using. LIKELY_SOLVER_THREADS overrides it
 * (1 = main thread only). Threads need the compiled worker file, so under ts-node/ts-jest they are off.
 */
function threadCount(n: number, k: number, passes: number): number {
  const forced = Number.parseInt(process.env.LIKELY_SOLVER_THREADS ?? "", 10);
  const wanted = forced >= 1 ? forced : n >= MIN_THREADED_POINTS && n * k * passes >= MIN_THREADED_WORK ? Math.min(availableParallelism(), MAX_THREADS) : 1;
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
 * A no-op without the compiled worker file or with one core.
 */
export function warmUpSolverThreads(): void {
  const count = Math.min(availableParallelism(), MAX_THREADS) - 1 - idle.length;
  if (!existsSync(WORKER_FILE)) return;
  for (let i = 0; i < count; i++) idle.push(takeWorker());
}

interface Bound {
  worker: Worker;
  control: Int32Array;
  out: Float64Array;
  seq: number;
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
    const out = new SharedArrayBuffer((1 + k * stride) * 8);
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
    bound.push({ worker, control: new Int32Array(control), out: new Float64Array(out), seq: 0 });
  }

  function run(op: PassOp): PassResult {
    const code = 1 + PASS_OPS.indexOf(op);
    const kernel = passKernel(type, d, k, op);
    // Workers still starting up sit this pass out; the main thread covers their share.
    const helpers = bound.filter((b) => Atomics.load(b.control, READY) === 1);
    const block = Math.ceil(n / (helpers.length + 1));
    helpers.forEach((b, h) => {
      b.control[OP] = code;
      b.control[START] = Math.min(n, (h + 1) * block);
      b.control[END] = Math.min(n, (h + 2) * block);
      b.seq += 1;
      Atomics.store(b.control, SEQ, b.seq);
      Atomics.notify(b.control, SEQ);
    });
    const withStats = op === "stats" || op === "stats-shifted";
    const acc = new Float64Array(k * stride);
    let logLikelihood = kernel(input, 0, Math.min(n, block), acc, resp);
    for (const b of helpers) {
      for (let done = Atomics.load(b.control, DONE); done !== b.seq; done = Atomics.load(b.control, DONE)) {
        Atomics.wait(b.control, DONE, done);
      }
      if (b.control[FAILED] === 1) throw new Error("an EM worker thread failed");
      logLikelihood += b.out[0];
      if (withStats) for (let i = 0; i < acc.length; i++) acc[i] += b.out[1 + i];
    }
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
