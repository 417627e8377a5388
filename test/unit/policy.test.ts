import { attemptsLeft, countedScore, mayReveal, studentPolicy } from "../../src/homework/policy";

const now = new Date("2026-12-01T12:00:00Z");
const past = new Date("2026-11-30T12:00:00Z");
const future = new Date("2026-12-02T12:00:00Z");

describe("studentPolicy", () => {
  test("upcoming, open and closed follow opensAt and the (extended) due date", () => {
    expect(studentPolicy({ opensAt: future, dueAt: null, maxAttempts: 3 }, null, now).status).toBe("upcoming");
    expect(studentPolicy({ opensAt: past, dueAt: future, maxAttempts: 3 }, null, now).status).toBe("open");
    expect(studentPolicy({ opensAt: null, dueAt: past, maxAttempts: 3 }, null, now).status).toBe("closed");
    const ext = { assignmentId: 1, userId: 1, dueAt: future, extraAttempts: 2 };
    const p = studentPolicy({ opensAt: null, dueAt: past, maxAttempts: 3 }, ext, now);
    expect(p).toEqual({ status: "open", dueAt: future, maxAttempts: 5 });
  });
  test("unlimited attempts stay unlimited", () => {
    const p = studentPolicy({ opensAt: null, dueAt: null, maxAttempts: null }, { assignmentId: 1, userId: 1, dueAt: null, extraAttempts: 4 }, now);
    expect(p.maxAttempts).toBeNull();
    expect(attemptsLeft(p, 10)).toBeNull();
  });
});

describe("mayReveal", () => {
  const open = studentPolicy({ opensAt: null, dueAt: future, maxAttempts: 2 }, null, now);
  const closed = studentPolicy({ opensAt: null, dueAt: past, maxAttempts: 2 }, null, now);
  test("after-due waits for the due date even when attempts are used up", () => {
    expect(mayReveal({ revealPolicy: "after-due" }, open, 2)).toBe(false);
    expect(mayReveal({ revealPolicy: "after-due" }, closed, 0)).toBe(true);
  });
  test("after-attempts reveals once the attempts are used up", () => {
    expect(mayReveal({ revealPolicy: "after-attempts" }, open, 1)).toBe(false);
    expect(mayReveal({ revealPolicy: "after-attempts" }, open, 2)).toBe(true);
  });
  test("never means never", () => {
    expect(mayReveal({ revealPolicy: "never" }, closed, 2)).toBe(false);
  });
});

test("countedScore takes the best or the last attempt", () => {
  expect(countedScore([], "best")).toBeNull();
  expect(countedScore([0.5, 1, 0], "best")).toBe(1);
  expect(countedScore([0.5, 1, 0], "last")).toBe(0);
});
