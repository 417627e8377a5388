/**
 * Prisma 6.19's better-sqlite3 adapter runs everything on one connection and serialises
 * interactive transactions with a mutex, but a query outside a transaction does not wait for it: it
 * runs inside whichever transaction is open, so its write is acknowledged before it is committed
 * and vanishes if that transaction rolls back. This gate makes every adapter-level query wait while
 * a transaction is open (the transaction's own queries go through its own object and pass freely).
 */

type Query = unknown;
type Transaction = { commit(): Promise<void>; rollback(): Promise<void> };
type Adapter = {
  queryRaw(q: Query): Promise<unknown>;
  executeRaw(q: Query): Promise<unknown>;
  executeScript(script: string): Promise<void>;
  startTransaction(isolationLevel?: unknown): Promise<Transaction>;
};

/** A FIFO lock: `acquire()` resolves to the function that releases it. */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

export function gateTransactions<A extends Adapter>(adapter: A): A {
  const lock = new Lock();
  for (const name of ["queryRaw", "executeRaw", "executeScript"] as const) {
    const run = (adapter[name] as (arg: unknown) => Promise<unknown>).bind(adapter);
    (adapter as Record<string, unknown>)[name] = async (arg: unknown) => {
      const release = await lock.acquire();
      try {
        return await run(arg);
      } finally {
        release();
      }
    };
  }
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel?: unknown) => {
    const release = await lock.acquire();
    let tx: Transaction;
    try {
      tx = await start(isolationLevel);
    } catch (err) {
      release();
      throw err;
    }
    for (const end of ["commit", "rollback"] as const) {
      const finish = tx[end].bind(tx);
      tx[end] = async () => {
        try {
          await finish();
        } finally {
          release();
        }
      };
    }
    return tx;
  };
  return adapter;
}
