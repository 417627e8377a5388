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
    expect(p).toEqual({ status: "open", dueAt: future, maxAttempts: 5, pastDue: false, minutes: null, startedAt: null, endsAt: null, timeUp: false });
  });
  test("unlimited attempts stay unlimited", () => {
    const p = studentPolicy({ opensAt: null, dueAt: null, maxAttempts: null }, { assignmentId: 1, userId: 1, dueAt: null, extraAttempts: 4 }, now);
    expect(p.maxAttempts).toBeNull();
    expect(attemptsLeft(p, 10)).toBeNull();
  });
});

describe("timed assignments", () => {
  const timed = { opensAt: null, dueAt: future, maxAttempts: 1, timeLimitMinutes: 30 };
  test("the clock ends at start + limit + extension minutes, capped by the due date", () => {
    const started = new Date(now.getTime() - 20 * 60_000);
    expect(studentPolicy(timed, null, now, started)).toMatchObject({ status: "open", minutes: 30, endsAt: new Date(started.getTime() + 30 * 60_000), timeUp: false });
    const ext = { dueAt: null, extraAttempts: 0, extraMinutes: 15 };
    expect(studentPolicy(timed, ext, now, started).endsAt).toEqual(new Date(started.getTime() + 45 * 60_000));
    const lateStart = new Date(future.getTime() - 10 * 60_000);
    expect(studentPolicy(timed, null, lateStart, lateStart).endsAt).toEqual(future);
    expect(studentPolicy({ ...timed, timeLimitMinutes: 0.5 }, null, now, now).endsAt).toEqual(new Date(now.getTime() + 30_000));
  });
  test("time up closes submissions but reveals nothing before the due date", () => {
    const p = studentPolicy(timed, null, now, new Date(now.getTime() - 31 * 60_000));
    expect(p).toMatchObject({ status: "closed", timeUp: true, pastDue: false });
    expect(mayReveal({ revealPolicy: "after-due" }, p, 1)).toBe(false);
  });
  test("not started, or untimed: no clock", () => {
    expect(studentPolicy(timed, null, now, null)).toMatchObject({ status: "open", minutes: 30, endsAt: null, timeUp: false });
    expect(studentPolicy({ ...timed, timeLimitMinutes: null }, null, now, past)).toMatchObject({ minutes: null, startedAt: null, endsAt: null });
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
