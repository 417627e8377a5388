import type { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Runs `handlers` one after another as a router would (each goes on by calling `next()`; an error
 * passed to `next`, thrown, or rejected goes to `done(err)`), without matching a path per layer.
 */
export function chain(handlers: RequestHandler[]): (req: Request, res: Response, done: NextFunction) => void {
  return (req, res, done) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err !== undefined && err !== null) return done(err);
      const handler = handlers[i++];
      if (!handler) return done();
      try {
        const result: unknown = handler(req, res, next);
        if (result instanceof Promise) result.catch(done);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}
