import type { NextFunction, Request, Response } from "express";
import { HttpError } from "../../http-error";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../../json-depth";

/** After express.json(): a body nested deeper than MAX_JSON_DEPTH is a 400 before any handler walks it. */
export function limitJsonDepth(req: Request, _res: Response, next: NextFunction): void {
  if (exceedsJsonDepth(req.body)) {
    return next(new HttpError(400, `request body is nested too deeply: at most ${MAX_JSON_DEPTH} levels of lists and objects`));
  }
  next();
}
