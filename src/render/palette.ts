/**
 * Okabe-Ito colours, distinguishable with the common forms of colour blindness. Yellow is left
 * out: it is unreadable on white.
 */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"] as const;

/** The colour of component or label `i` (any integer; cycles through the palette). */
export function colorFor(i: number): string {
  const n = PALETTE.length;
  const k = Number.isFinite(i) ? ((Math.trunc(i) % n) + n) % n : 0;
  return PALETTE[k]!;
}

export const NEUTRAL = "#8a8f98";
export const HIGHLIGHT = "#D55E00";
