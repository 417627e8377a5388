import { csvCell, toCsv } from "../../src/quiz/csv";
import { acceptsAnswers, answerRefusal, planAction, quizView, type QuizRow } from "../../src/quiz/state";

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const row = (over: Partial<QuizRow> = {}): QuizRow => ({ state: "draft", currentIndex: -1, phase: "waiting", closesAt: null, secondsPerQuestion: 60, ...over });

describe("quiz state machine", () => {
  test("start, next, reveal, end in order", () => {
    const start = planAction(row(), "start", 2, T0);
    expect(start).toEqual({ ok: true, update: expect.objectContaining({ state: "open", currentIndex: -1, phase: "waiting" }) });
    const open = row({ state: "open" });
    expect(quizView(open, T0)).toBe("waiting");
    const next = planAction(open, "next", 2, T0);
    if (!next.ok) throw new Error(next.message);
    expect(next.update.currentIndex).toBe(0);
    expect(next.update.closesAt!.getTime()).toBe(T0 + 60_000);
    const asking = row({ state: "open", currentIndex: 0, phase: "asking", closesAt: next.update.closesAt! });
    expect(quizView(asking, T0 + 59_999)).toBe("asking");
    expect(quizView(asking, T0 + 60_000)).toBe("closed");
    const reveal = planAction(asking, "reveal", 2, T0 + 10_000);
    if (!reveal.ok) throw new Error(reveal.message);
    expect(reveal.update.phase).toBe("revealed");
    expect(reveal.update.closesAt!.getTime()).toBe(T0 + 10_000);
    const end = planAction(row({ state: "open", currentIndex: 1, phase: "asking", closesAt: new Date(T0 + 5000) }), "end", 2, T0);
    expect(end).toEqual({ ok: true, update: expect.objectContaining({ state: "ended", phase: "revealed" }) });
  });

  test("refusals name the reason", () => {
    expect(planAction(row(), "next", 2, T0)).toEqual({ ok: false, message: "start the quiz first" });
    expect(planAction(row({ state: "open", currentIndex: 1, phase: "revealed" }), "next", 2, T0)).toMatchObject({ ok: false, message: expect.stringMatching(/no question 3/) });
    expect(planAction(row({ state: "open" }), "reveal", 2, T0)).toMatchObject({ ok: false, message: "no question has been asked yet" });
    expect(planAction(row({ state: "ended" }), "start", 2, T0)).toMatchObject({ ok: false, message: "the quiz has ended" });
  });

  test("answers are accepted only for the current, asking question before closesAt", () => {
    const asking = row({ state: "open", currentIndex: 0, phase: "asking", closesAt: new Date(T0 + 1000) });
    expect(acceptsAnswers(asking, 0, T0)).toBe(true);
    expect(answerRefusal(asking, 0, T0)).toBeUndefined();
    expect(acceptsAnswers(asking, 1, T0)).toBe(false);
    expect(answerRefusal(asking, 1, T0)).toMatch(/not the current question/);
    expect(answerRefusal(asking, 0, T0 + 1000)).toMatch(/time is up/);
    expect(answerRefusal({ ...asking, phase: "revealed" }, 0, T0)).toMatch(/revealed/);
    expect(answerRefusal({ ...asking, state: "ended" }, 0, T0)).toMatch(/ended/);
  });
});

describe("CSV", () => {
  test("quotes and neutralises spreadsheet formulas", () => {
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-0.5")).toBe("'-0.5");
    expect(csvCell("@x")).toBe("'@x");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe("\"'\rx\"");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(0.5)).toBe("0.5");
    expect(toCsv(["a", "b"], [[1, "x\ny"]])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});
