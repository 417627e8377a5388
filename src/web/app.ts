import path from "node:path";
import cookieParser from "cookie-parser";
import express, { type Express, type RequestHandler } from "express";
import { engine } from "express-handlebars";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Config } from "../config";
import { createLogger } from "../ops/logger";
import type { Db } from "../db/client";
import { projectRoot, publicDir, viewsDir } from "../paths";
import { helpers } from "./helpers";
import { requireBearer } from "./middleware/bearer";
import { chain } from "./middleware/chain";
import { limitJsonDepth } from "./middleware/json-depth";
import { errorHandler, notFoundHandler } from "./middleware/errors";
import { requestLog } from "./middleware/request-log";
import { csrfProtection, sessions } from "./middleware/session";
import { singleValuedForm } from "./middleware/single-valued-form";
import { multipartForm } from "./middleware/multipart-form";
import "./request-context";
import { accountPages } from "./routes/account-pages";
import { accountRoutes, tokenRoutes } from "./routes/api/accounts";
import { auditApi } from "./routes/api/audit";
import { auditPages } from "./routes/audit-pages";
import { postQuizAnswer, QUIZ_ANSWERS_PATH, quizApi } from "./routes/api/quizzes";
import { adminPages } from "./routes/admin-pages";
import { authPages } from "./routes/auth-pages";
import { homeworkApi } from "./routes/api/homework";
import { cataloguePages } from "./routes/catalogue-pages";
import { coursePages } from "./routes/course-pages";
import { quizPages } from "./routes/quiz-pages";
import { instructorAssignmentPages } from "./routes/instructor-assignment-pages";
import { instructorCoursePages } from "./routes/instructor-course-pages";
import { metricsRoute } from "./routes/metrics";
import { studentPages } from "./routes/student-pages";
import { studentPasswordPages } from "./routes/student-password-pages";
import { ltiApi } from "./routes/api/lti";
import { ltiPages } from "./routes/lti-pages";
import { ltiProtocolRoutes } from "./routes/lti-protocol";
import { ltiFrameAncestors } from "./middleware/lti-frame-ancestors";
import { jsonBody } from "./middleware/json-body";
import type { GradebookSource } from "./gradebook-source";
import { quizGradebookColumns } from "../quiz/gradebook-columns";

export type AppDeps = { db: Db; config: Config; logger?: Logger };

/** Builds the Express application; `listen()` is the caller's (src/server.ts, tests). */
export function createApp({ db, config, logger }: AppDeps): Express {
  const app = express();
  const log = requestLog(logger ?? createLogger({ level: config.logLevel, format: config.logFormat }));
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        "script-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        // KaTeX sets inline style attributes for sizing.
        "style-src": ["'self'", "'unsafe-inline'"],
        "upgrade-insecure-requests": config.production ? [] : null,
      },
    },
    strictTransportSecurity: config.production,
  });
  const frameAncestors = ltiFrameAncestors(db);
  // The API's body parser and bearer check, shared by the quiz answer route and the API.
  const apiJson = jsonBody({ limit: 1024 * 1024 });
  const bearer = requireBearer(db);

  // A class answers a quiz question within the same second (300 answers in 200 ms). That route is
  // the app's first layer and runs, as one chain, the middleware every API request passes (request
  // log and metrics, security headers, framing, body parser, depth bound, bearer check) and then
  // its handler, without the router matching each layer of the general stack and the API's other
  // routers in turn (8.5% of a burst's main-thread time). A refusal before the handler is logged as
  // "unmatched", as on the rest of the API; errors go to the app's error handler.
  const answer = chain([log, securityHeaders, frameAncestors, apiJson, limitJsonDepth, bearer, routed(QUIZ_ANSWERS_PATH), postQuizAnswer(db)]);
  app.use(function quizAnswerFirst(req, res, next) {
    const id = req.method === "POST" ? QUIZ_ANSWERS_URL.exec(req.path)?.[1] : undefined;
    if (id === undefined) return next();
    req.params = { id };
    answer(req, res, next);
  });

  // First of the general stack, so every request is logged and measured, static files and errors included.
  app.use(log);
  // Each live quiz is a gradebook column beside the assignments.
  const gradebookExtras: GradebookSource = (courseId) => quizGradebookColumns(db, courseId);
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.engine("hbs", engine({ extname: ".hbs", defaultLayout: "main", helpers, layoutsDir: path.join(viewsDir, "layouts"), partialsDir: path.join(viewsDir, "partials") }));
  app.set("view engine", "hbs");
  app.set("views", viewsDir);
  app.use(securityHeaders);
  app.use(frameAncestors);

  app.get("/healthz", async (_req, res) => {
    await db.$queryRawUnsafe("SELECT 1");
    res.json({ status: "ok" });
  });
  app.use(metricsRoute(config.metricsToken));

  const staticOptions = { maxAge: config.production ? "1d" : 0, fallthrough: true };
  app.use("/static", express.static(publicDir, staticOptions));
  app.use("/static/katex", express.static(path.join(projectRoot, "node_modules", "katex", "dist"), staticOptions));

  app.use(cookieParser());

  // The JSON API: bearer tokens only, so it needs no CSRF tokens.
  const api = express.Router();
  api.use(apiJson, limitJsonDepth);
  api.use(tokenRoutes(db));
  api.use(bearer);
  api.use(accountRoutes(db));
  api.use(auditApi(db));
  api.use(quizApi(db));
  api.use(ltiApi(db, config.sessionSecret));
  api.use(homeworkApi(db, { submitLimitPerMinute: config.submitLimitPerMinute, gradebookExtras }));
  api.use(notFoundHandler); // unknown API paths never fall through to the cookie pages
  app.use("/api/v1", api);

  const sessionOptions = { db, secret: config.sessionSecret, secureCookies: config.production };
  app.use(express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 2000 }));
  app.use(singleValuedForm);
  app.use(multipartForm);
  app.use(sessions(sessionOptions));
  app.use(ltiProtocolRoutes(sessionOptions, config)); // cross-site posts from the LMS: signed, no CSRF token
  app.use(csrfProtection);
  app.use(authPages(sessionOptions));
  app.use(accountPages(sessionOptions));
  app.use(adminPages(db, { operations: { backupDir: config.backup?.dir, backupEveryHours: config.backup?.everyHours, backupKeep: config.backup?.keep, metrics: Boolean(config.metricsToken) } }));
  app.use(coursePages(db));
  app.use(quizPages(db, config));
  app.use(studentPages(db, { submitLimitPerMinute: config.submitLimitPerMinute }));
  app.use(instructorCoursePages(db, { gradebookExtras, publicUrl: config.publicUrl }));
  app.use(instructorAssignmentPages(db));
  app.use(auditPages(db));
  app.use(studentPasswordPages(db));
  app.use(cataloguePages());
  app.use(ltiPages(db, config));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** QUIZ_ANSWERS_PATH as a pattern, matched as Express matches it (any case, an optional trailing slash). */
const QUIZ_ANSWERS_URL = new RegExp(`^${QUIZ_ANSWERS_PATH.replace(":id", "([^/]+)")}/?$`, "i");

/** Names the route a chained handler serves, for the request log's route template (Express sets `req.route` when its router matches one). */
function routed(path: string): RequestHandler {
  return (req, _res, next) => {
    req.route = { path };
    next();
  };
}
