import type { NextFunction, Request, Response } from "express";
import { notFound } from "../../http-error";

/** Admin pages answer everyone else exactly like a page that does not exist (after requireUser). */
export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  if (req.user?.role !== "admin") throw notFound();
  next();
}
