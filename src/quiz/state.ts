/**
 * The quiz state machine. Pure: the database row goes in, the update to apply (or the reason the
 * action is refused) comes out. The server owns the clock: every decision takes `now` from the
 * caller (the server's Date.now()), never from a client.
 *
 * Stored fields (Quiz): `state` draft | open | ended; `currentIndex` (-1 before the first
 * question); `phase` waiting | asking | revealed; `closesAt`. The phase a client sees adds
 * "closed": a question that is still "asking" in the database but whose `closesAt` has passed.
 */

export type QuizLifecycle = "draft" | "open" | "ended";
export type StoredPhase = "waiting" | "asking" | "closed" | "revealed";
/** What a client sees: the lifecycle and the phase folded into one word. */
export type QuizView = "draft" | "waiting" | "asking" | "closed" | "revealed" | "ended";

export type QuizRow = {
  state: string;
  currentIndex: number;
  phase: string;
  closesAt: Date | null;
  secondsPerQuestion: number;
};

export type QuizAction = "start" | "next" | "reveal" | "end";

/** Fields to write, guarded by the row's current (state, currentIndex, phase) so two clicks cannot both apply. */
export type Transition = {
  state: QuizLifecycle;
  currentIndex: number;
  phase: StoredPhase;
  opensAt?: Date | null;
  closesAt?: Date | null;
};

export type Plan = { ok: true; update: Transition } | { ok: false; message: string };

/** The phase of the current question at `now`: an "asking" question past its closesAt is "closed". */
export function effectivePhase(row: QuizRow, now: number): StoredPhase {
  if (row.phase === "asking" && (!row.closesAt || now >= row.closesAt.getTime())) return "closed";
  return row.phase as StoredPhase;
}

/** One word for clients: draft, waiting (started, no question yet), asking, closed, revealed, ended. */
export function quizView(row: QuizRow, now: number): QuizView {
  if (row.state === "draft") return "draft";
  if (row.state === "ended") return "ended";
  if (row.currentIndex < 0) return "waiting";
  return effectivePhase(row, now) as QuizView;
}

/** True when an answer to question `index` is accepted at `now` (the same rule the database insert enforces). */
export function acceptsAnswers(row: QuizRow, index: number, now: number): boolean {
  return row.state === "open" && row.currentIndex === index && effectivePhase(row, now) === "asking";
}

/** Why an answer to question `index` is refused at `now` (for the 409 message), or undefined when it is accepted. */
export function answerRefusal(row: QuizRow, index: number, now: number): string | undefined {
  if (row.state === "draft") return "the quiz has not started yet";
  if (row.state === "ended") return "the quiz has ended";
  if (row.currentIndex !== index) return `question ${index + 1} is not the current question`;
  const phase = effectivePhase(row, now);
  if (phase === "closed") return "time is up: this question has closed";
  if (phase === "revealed") return "this question has closed and its answer was revealed";
  if (phase !== "asking") return "this question is not open";
  return undefined;
}

/**
 * Plans an instructor action.
 * - start: draft -> open (waiting for the first question); starting an open quiz again is a no-op.
 * - next: opens the following question for `secondsPerQuestion` from now.
 * - reveal: closes the current question at once (if still running) and reveals it.
 * - end: ends the quiz; the current question, if any, is revealed.
 */
export function planAction(row: QuizRow, action: QuizAction, itemCount: number, now: number): Plan {
  const refuse = (message: string): Plan => ({ ok: false, message });
  const nowDate = new Date(now);
  if (row.state === "ended") return refuse("the quiz has ended");
  switch (action) {
    case "start":
      if (row.state === "open") return { ok: true, update: { state: "open", currentIndex: row.currentIndex, phase: row.phase as StoredPhase } };
      return { ok: true, update: { state: "open", currentIndex: -1, phase: "waiting", opensAt: null, closesAt: null } };
    case "next": {
      if (row.state !== "open") return refuse("start the quiz first");
      const index = row.currentIndex + 1;
      if (index >= itemCount) return refuse(`there is no question ${index + 1}: the quiz has ${itemCount}; end it instead`);
      return {
        ok: true,
        update: {
          state: "open",
          currentIndex: index,
          phase: "asking",
          opensAt: nowDate,
          closesAt: new Date(now + row.secondsPerQuestion * 1000),
        },
      };
    }
    case "reveal": {
      if (row.state !== "open") return refuse("start the quiz first");
      if (row.currentIndex < 0) return refuse("no question has been asked yet");
      if (row.phase === "revealed") return { ok: true, update: { state: "open", currentIndex: row.currentIndex, phase: "revealed" } };
      const closesAt = row.closesAt && row.closesAt.getTime() < now ? row.closesAt : nowDate;
      return { ok: true, update: { state: "open", currentIndex: row.currentIndex, phase: "revealed", closesAt } };
    }
    case "end": {
      const phase: StoredPhase = row.currentIndex >= 0 ? "revealed" : "waiting";
      const closesAt = row.closesAt && row.closesAt.getTime() < now ? row.closesAt : row.currentIndex >= 0 ? nowDate : null;
      return { ok: true, update: { state: "ended", currentIndex: row.currentIndex, phase, closesAt } };
    }
  }
}
