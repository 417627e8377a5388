/**
 * The shared-memory protocol between the EM pass runner (main thread) and its worker threads.
 * One Int32Array of CONTROL_SLOTS per worker on a SharedArrayBuffer; the main thread writes the
 * parameters and the block [start, end), then bumps SEQ and notifies; the worker runs the pass,
 * writes [logLikelihood, milliseconds spent, statistics...] into its output array (OUT_* below)
 * and stores SEQ into DONE.
 */
import type { CovarianceType } from "./em-kernels";

export const CONTROL_SLOTS = 8;
/** 1 while the worker is bound to this control array and waits for passes. */
export const READY = 0;
/** Bumped by the main thread to request a pass. */
export const SEQ = 1;
/** The last SEQ the worker finished. */
export const DONE = 2;
export const OP = 3;
export const START = 4;
export const END = 5;
/** 1 when the last pass threw in the worker. */
export const FAILED = 6;

/** Output array: the block's log-likelihood, the pass's duration in ms, then the statistics. */
export const OUT_LOGLIK = 0;
export const OUT_MS = 1;
export const OUT_STATS = 2;

/**
 * Waits while control[slot] === value: first by polling (passes follow each other within
 * microseconds, and a futex sleep and wake-up costs more), then by sleeping in Atomics.wait.
 */
export function waitWhile(control: Int32Array, slot: number, value: number): void {
  for (let i = 0; i < SPIN_CHECKS; i++) if (Atomics.load(control, slot) !== value) return;
  while (Atomics.load(control, slot) === value) Atomics.wait(control, slot, value);
}

/** Some tens of microseconds of polling. */
const SPIN_CHECKS = 5_000;

/** OP holds OP_EXIT or 1 + the index of a pass op in PASS_OPS (em-codegen.ts). */
export const OP_EXIT = 0;

/** Posted to a worker to bind it to one EM run; every buffer is shared. */
export interface BindMessage {
  type: CovarianceType;
  n: number;
  d: number;
  k: number;
  /** n x d data */
  x: SharedArrayBuffer;
  /** means (k x d), shift (k x d), logConst (k), prec (k x precSize), back to back (allocatePassArrays) */
  params: SharedArrayBuffer;
  control: SharedArrayBuffer;
  /** [logLikelihood, k x stride statistics] */
  out: SharedArrayBuffer;
  /** n x k responsibilities, when the run returns them */
  resp: SharedArrayBuffer | null;
}
