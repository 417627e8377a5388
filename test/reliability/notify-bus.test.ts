/**
 * The news bus between server processes: in-process on SQLite; on PostgreSQL LISTEN/NOTIFY, where
 * two buses stand for two processes. The PostgreSQL part runs in the `postgres` project (the test
 * cluster of global-setup).
 */
import { Client } from "pg";
import { LocalBus, MAX_PAYLOAD_BYTES, PgBus } from "../../src/db/notify-bus";
import { onPostgres } from "../support/test-database";

const PG_URL = onPostgres ? process.env.LIKELY_TEST_PG_URL : undefined;
const describePg = PG_URL ? describe : describe.skip;

function collector() {
  const got: { data: unknown; self: boolean }[] = [];
  return { got, handler: (data: unknown, self: boolean) => void got.push({ data, self }) };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("one process: a message reaches this process's subscribers still subscribed, marked as its own", async () => {
  const bus = new LocalBus();
  const quiz = collector();
  const gone = collector();
  bus.subscribe("quiz", quiz.handler);
  bus.subscribe("quiz", gone.handler)();
  await bus.publish("quiz", { quizId: 3 });
  expect(quiz.got).toEqual([{ data: { quizId: 3 }, self: true }]);
  expect(gone.got).toEqual([]);
  await expect(bus.publish("quiz", { x: "y".repeat(MAX_PAYLOAD_BYTES) })).rejects.toThrow(/over 7900/);
  await bus.close();
});

describePg("PostgreSQL: two processes", () => {
  let a: PgBus;
  let b: PgBus;
  beforeEach(async () => {
    a = new PgBus(PG_URL!);
    b = new PgBus(PG_URL!);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  test("200 messages sent at once from each reach both, each once; each knows its own", async () => {
    const inA = collector();
    const inB = collector();
    a.subscribe("quiz", inA.handler);
    b.subscribe("quiz", inB.handler);
    await Promise.all(Array.from({ length: 200 }, (_, i) => Promise.all([a.publish("quiz", { from: "a", i }), b.publish("quiz", { from: "b", i })])));
    await until(() => inA.got.length === 400 && inB.got.length === 400);
    for (const [got, me] of [[inA.got, "a"], [inB.got, "b"]] as const) {
      for (const from of ["a", "b"]) {
        const mine = got.filter((g) => (g.data as { from: string }).from === from);
        expect(mine.map((g) => (g.data as { i: number }).i).sort((x, y) => x - y)).toEqual([...Array(200).keys()]);
        expect(mine.every((g) => g.self === (from === me))).toBe(true);
      }
    }
  });

  test("publish resolves only after the other process could hear it (its own echo came back)", async () => {
    const inB = collector();
    b.subscribe("quiz", inB.handler);
    for (let i = 0; i < 20; i++) {
      await a.publish("quiz", { quizId: i });
      // Delivered to b in the same COMMIT signal: a short turn of the event loop at most.
      await until(() => inB.got.length === i + 1, 200);
    }
  });

  test("a NOTIFY in a transaction arrives after COMMIT, none from a rollback", async () => {
    const inB = collector();
    b.subscribe("quiz", inB.handler);
    const c = new Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const payload = (n: number) => JSON.stringify({ t: "quiz", o: "elsewhere", n, d: { n } });
      await c.query("BEGIN");
      await c.query("SELECT pg_notify('likely_news', $1)", [payload(1)]);
      await new Promise((r) => setTimeout(r, 100));
      expect(inB.got).toEqual([]);
      await c.query("ROLLBACK");
      await c.query("BEGIN");
      await c.query("SELECT pg_notify('likely_news', $1)", [payload(2)]);
      await c.query("COMMIT");
      await until(() => inB.got.length === 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(inB.got).toEqual([{ data: { n: 2 }, self: false }]);
    } finally {
      await c.end();
    }
  });

  test("a lost listener connection reconnects, asks subscribers to resync, and hears news again", async () => {
    const inB = collector();
    let resyncs = 0;
    b.subscribe("quiz", inB.handler);
    b.onResync(() => resyncs++);
    await b.dropListenerForTest();
    await until(() => !b.listening);
    await until(() => b.listening && resyncs === 1, 5000);
    expect(b.reconnects).toBe(1);
    await a.publish("quiz", { after: true });
    await until(() => inB.got.length === 1);
  });
});
