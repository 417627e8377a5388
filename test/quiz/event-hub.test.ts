import { EventEmitter } from "node:events";
import type { Response } from "express";
import { HEARTBEAT_MS, QuizHub, RETRY_MS, sseMessage } from "../../src/quiz/event-hub";

/** Just enough of an Express response for the hub: headers, writes, and "close". */
function fakeResponse() {
  const emitter = new EventEmitter();
  const out = {
    written: [] as string[],
    headers: {} as Record<string, string>,
    statusCode: 0,
    writableEnded: false,
    socket: { setNoDelay() {} },
    status(code: number) {
      out.statusCode = code;
      return out;
    },
    setHeader(name: string, value: string) {
      out.headers[name.toLowerCase()] = value;
    },
    flushHeaders() {},
    write(chunk: string) {
      out.written.push(chunk);
      return true;
    },
    on(event: string, fn: () => void) {
      emitter.on(event, fn);
      return out;
    },
    close() {
      out.writableEnded = true;
      emitter.emit("close");
    },
  };
  return out;
}
const asRes = (r: ReturnType<typeof fakeResponse>) => r as unknown as Response;

afterEach(() => jest.useRealTimers());

test("a stream starts with the retry hint and the first state, then gets events for its audience", () => {
  const hub = new QuizHub();
  const student = fakeResponse();
  const presenter = fakeResponse();
  hub.subscribe(7, "student", 1, asRes(student), [sseMessage("state", { state: "waiting" })]);
  hub.subscribe(7, "presenter", 2, asRes(presenter), []);
  expect(student.statusCode).toBe(200);
  expect(student.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  expect(student.headers["cache-control"]).toContain("no-cache");
  expect(student.written).toEqual([`retry: ${RETRY_MS}\n\n`, 'event: state\ndata: {"state":"waiting"}\n\n']);

  expect(hub.publish(7, "count", { responses: 1 }, "presenter")).toBe(1);
  expect(hub.publish(7, "state", { state: "asking" })).toBe(2);
  expect(hub.publish(8, "state", { state: "asking" })).toBe(0); // another quiz
  expect(student.written.join("")).not.toContain("event: count");
  expect(presenter.written.join("")).toContain('event: count\ndata: {"responses":1}\n\n');

  student.close();
  expect(hub.subscriberCount(7)).toBe(1);
  presenter.close();
  expect(hub.subscriberCount()).toBe(0);
});

test("heartbeat comments every 15 s while streams are open", () => {
  jest.useFakeTimers();
  const hub = new QuizHub();
  const res = fakeResponse();
  hub.subscribe(1, "student", 1, asRes(res), []);
  jest.advanceTimersByTime(HEARTBEAT_MS - 1);
  expect(res.written.filter((w) => w.startsWith(":"))).toHaveLength(0);
  jest.advanceTimersByTime(1);
  expect(res.written.filter((w) => /^: heartbeat .*\n\n$/.test(w))).toHaveLength(1);
  jest.advanceTimersByTime(HEARTBEAT_MS);
  expect(res.written.filter((w) => w.startsWith(":"))).toHaveLength(2);
  res.close();
  jest.advanceTimersByTime(HEARTBEAT_MS * 3);
  expect(res.written.filter((w) => w.startsWith(":"))).toHaveLength(2);
});

test("count updates are throttled; a close timer fires once at closesAt", () => {
  jest.useFakeTimers();
  const hub = new QuizHub();
  const flush = jest.fn();
  for (let i = 0; i < 50; i++) hub.throttleCount(3, flush);
  jest.advanceTimersByTime(300);
  expect(flush).toHaveBeenCalledTimes(1);

  const fire = jest.fn();
  hub.scheduleClose(3, new Date(Date.now() + 1000), fire);
  hub.scheduleClose(3, new Date(Date.now() + 2000), fire); // replaces the first
  jest.advanceTimersByTime(1500);
  expect(fire).not.toHaveBeenCalled();
  jest.advanceTimersByTime(600);
  expect(fire).toHaveBeenCalledTimes(1);
  hub.scheduleClose(3, new Date(Date.now() + 1000), fire);
  hub.cancelClose(3);
  jest.advanceTimersByTime(2000);
  expect(fire).toHaveBeenCalledTimes(1);
});
