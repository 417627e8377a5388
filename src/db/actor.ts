import { AsyncLocalStorage } from "node:async_hooks";

/** Who is acting: the signed-in user of the request being served. */
export type Actor = { id: number; email: string };

const storage = new AsyncLocalStorage<Actor>();

/**
 * Runs `fn` (and everything it awaits) on behalf of `actor`. The authentication middleware wraps
 * each signed-in request in it, so audited queries (src/db/audit.ts) know who acted without every
 * caller passing it: a new route or service that changes a rule cannot forget to say who did it.
 */
export function runAsActor<T>(actor: Actor, fn: () => T): T {
  return storage.run({ id: actor.id, email: actor.email }, fn);
}

/** The acting user, or null outside a signed-in request (a command-line tool, the demo seed). */
export function currentActor(): Actor | null {
  return storage.getStore() ?? null;
}
