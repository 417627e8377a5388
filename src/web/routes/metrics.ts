import { Router } from "express";
import { safeEqual } from "../../auth/secrets";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../../ops/metrics";

/**
 * GET /metrics for Prometheus, only with `Authorization: Bearer <LIKELY_METRICS_TOKEN>`. Without
 * a configured token, or with another one, the request falls through to the 404 of any unknown
 * path, so a scanner cannot tell that metrics exist.
 */
export function metricsRoute(token: string | undefined): Router {
  const router = Router();
  router.get("/metrics", async (req, res, next) => {
    const sent = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1];
    if (!token || !sent || !safeEqual(sent, token)) return next();
    res.set("Cache-Control", "no-store").type(METRICS_CONTENT_TYPE).send(await renderMetrics());
  });
  return router;
}
