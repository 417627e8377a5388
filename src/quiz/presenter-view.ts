/**
 * What the presenter page shows for a state (the first paint; public/js/quiz-present.js applies
 * the same rules to later states).
 */
import type { PresenterState } from "./service";

export const STATE_LABELS: Record<string, string> = {
  draft: "Not started",
  waiting: "Waiting",
  asking: "Answering",
  closed: "Time is up",
  revealed: "Revealed",
  ended: "Ended",
};

/** "m:ss" of the seconds left (0:00 once closed). */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function presenterView(state: PresenterState) {
  const s = state.state;
  const hasNext = state.index + 1 < state.total;
  const host = state.joinUrl ? state.joinUrl.replace(/^https?:\/\//, "").replace(/\?.*$/, "") : "";
  const left = state.closesAt ? Date.parse(state.closesAt) - Date.parse(state.serverTime) : 0;
  const reveal = state.reveal;
  return {
    stateLabel: STATE_LABELS[s] ?? s,
    progress: state.index >= 0 ? `Question ${state.index + 1} of ${state.total}` : `${state.total} question${state.total === 1 ? "" : "s"}`,
    joinHost: host,
    showWaiting: s === "draft" || s === "waiting",
    showQuestion: s === "asking" || s === "closed",
    showReveal: s === "revealed",
    showEnded: s === "ended",
    showCountdown: s === "asking" || s === "closed",
    countdown: formatCountdown(s === "asking" ? left : 0),
    canStart: s === "draft",
    canNext: (s === "waiting" || s === "asking" || s === "closed" || s === "revealed") && hasNext,
    canReveal: s === "asking" || s === "closed",
    canEnd: s !== "ended",
    // While students answer, Reveal is the main action (N would skip the reveal; the page asks first).
    revealLeads: s === "asking" || s === "closed",
    nextLabel: state.index < 0 ? "First question" : "Next question",
    sharePercent: reveal && reveal.shareCorrect !== null ? `${Math.round(reveal.shareCorrect * 100)}%` : "–",
    revealCaption: reveal ? revealCaption(reveal.responses, Math.max(0, ...reveal.revealParts.map((p) => p.histogram.offChart))) : "",
    revealParts: (reveal?.revealParts ?? []).map((p) => ({ ...p, groups: shownGroups(p.groups) })),
    summary: (state.summary ?? []).map((q) => ({
      ...q,
      number: q.index + 1,
      share: q.shareCorrect === null ? "–" : `${Math.round(q.shareCorrect * 100)}%`,
    })),
  };
}

/** The groups worth a line on the projector: Correct always, others when someone is in them. */
export function shownGroups<G extends { kind: string; count: number }>(groups: G[]): G[] {
  return groups.filter((g) => g.kind === "correct" || g.count > 0);
}

export function revealCaption(responses: number, offChart: number): string {
  const base = `${responses} answer${responses === 1 ? "" : "s"}`;
  return offChart > 0 ? `${base}; ${offChart} far from the rest not drawn` : base;
}
