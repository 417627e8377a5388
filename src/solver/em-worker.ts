/**
 * Worker thread of the EM pass runner (see pass-protocol.ts): waits for bind messages and, while
 * bound, runs passes on its block of points with the same kernels as the main thread.
 */
import { parentPort } from "node:worker_threads";
import { PASS_OPS, passKernel } from "./em-codegen";
import { type PassInput, passArrayViews } from "./em-kernels";
import { performance } from "node:perf_hooks";
import { type BindMessage, DONE, END, FAILED, OP, OP_EXIT, OUT_LOGLIK, OUT_MS, OUT_STATS, READY, SEQ, START, waitWhile } from "./pass-protocol";

function serve(msg: BindMessage): void {
  const { type, d, k } = msg;
  const inp: PassInput = { x: new Float64Array(msg.x), d, k, ...passArrayViews(msg.params, type, k, d) };
  const kernels = PASS_OPS.map((op) => passKernel(type, d, k, op));
  const control = new Int32Array(msg.control);
  const out = new Float64Array(msg.out);
  const acc = out.subarray(OUT_STATS);
  const resp = msg.resp === null ? null : new Float64Array(msg.resp);
  let seen = 0;
  Atomics.store(control, READY, 1);
  for (;;) {
    waitWhile(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    const op = control[OP];
    if (op === OP_EXIT) break;
    try {
      const started = performance.now();
      acc.fill(0);
      out[OUT_LOGLIK] = kernels[op - 1](inp, control[START], control[END], acc, resp);
      out[OUT_MS] = performance.now() - started;
      control[FAILED] = 0;
    } catch {
      control[FAILED] = 1;
    }
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
  Atomics.store(control, READY, 0);
}

parentPort?.on("message", serve);
