import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { observeRequest } from "../../ops/metrics";
import { routeTemplate } from "../route-template";

/** A request id from the reverse proxy is kept when it looks like one; otherwise a new UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

function requestFields(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const r = req as Request;
  return {
    method: r.method,
    // The path only: query strings may carry codes or search terms, and never matter for operations.
    path: (r.originalUrl ?? r.url ?? "").split("?")[0],
    route: routeTemplate(r),
    status: res.statusCode,
    durationMs,
    userId: r.user?.id ?? null,
  };
}

/**
 * One JSON line per finished request (method, path, route template, status, duration, request
 * id, user id) on the given logger, and the request-duration histogram. A 5xx line carries the
 * error with its stack (the error handler puts it on `res.err`); the response never does.
 */
export function requestLog(logger: Logger): RequestHandler {
  const log = pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: "requestId" },
    genReqId(req, res) {
      const sent = req.headers["x-request-id"];
      const id = typeof sent === "string" && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
    customSuccessObject: (req, res, value: { responseTime: number }) => requestFields(req, res, value.responseTime),
    customErrorObject: (req, res, err, value: { responseTime: number }) => ({ ...requestFields(req, res, value.responseTime), err }),
    customSuccessMessage: (req, res) => `${req.method} ${routeTemplate(req as Request)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeTemplate(req as Request)} ${res.statusCode}`,
  });
  return function logAndMeasure(req, res, next) {
    const started = process.hrtime.bigint();
    res.once("close", () => {
      observeRequest(req.method, routeTemplate(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    log(req, res, next);
  };
}
