import type { Request } from "express";

/**
 * The route a request matched, as a template (`/api/v1/variants/:id/submissions`), for metrics
 * labels and logs: ids never become label values. Express restores `req.baseUrl` when an error
 * leaves a mounted router, so the mount prefix is taken from the path instead: the route pattern
 * covers its last segments. Static files are one route; anything that matched none is "unmatched".
 */
export function routeTemplate(req: Request): string {
  const route: unknown = req.route?.path;
  const path = (req.originalUrl.split("?")[0] ?? "/").replace(/(.)\/+$/, "$1");
  if (typeof route !== "string") return path.startsWith("/static/") ? "/static/*" : "unmatched";
  if (route === "/") return path; // the mount path itself
  const segments = path.split("/");
  const routeSegments = route.split("/").length - 1;
  return segments.slice(0, Math.max(1, segments.length - routeSegments)).join("/") + route;
}
