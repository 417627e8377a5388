import path from "node:path";
import cookieParser from "cookie-parser";
import express, { type Express } from "express";
import { engine } from "express-handlebars";
import helmet from "helmet";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { projectRoot, publicDir, viewsDir } from "../paths";
import { helpers } from "./helpers";
import { requireBearer } from "./middleware/bearer";
import { errorHandler, notFoundHandler } from "./middleware/errors";
import { csrfProtection, sessions } from "./middleware/session";
import "./request-context";
import { accountRoutes, tokenRoutes } from "./routes/api/accounts";
import { quizApi } from "./routes/api/quizzes";
import { authPages } from "./routes/auth-pages";
import { homeworkApi } from "./routes/api/homework";
import { cataloguePages } from "./routes/catalogue-pages";
import { coursePages } from "./routes/course-pages";
import { quizPages } from "./routes/quiz-pages";
import { instructorAssignmentPages } from "./routes/instructor-assignment-pages";
import { instructorCoursePages } from "./routes/instructor-course-pages";
import { studentPages } from "./routes/student-pages";
import { ltiApi } from "./routes/api/lti";
import { ltiPages } from "./routes/lti-pages";
import { ltiProtocolRoutes } from "./routes/lti-protocol";
import { ltiFrameAncestors } from "./middleware/lti-frame-ancestors";
import type { GradebookSource } from "./gradebook-source";
import { quizGradebookColumns } from "../quiz/gradebook-columns";

export type AppDeps = { db: Db; config: Config };

/** Builds the Express application; `listen()` is the caller's (src/server.ts, tests). */
export function createApp({ db, config }: AppDeps): Express {
  const app = express();
  // Each live quiz is a gradebook column beside the assignments.
  const gradebookExtras: GradebookSource = (courseId) => quizGradebookColumns(db, courseId);
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.engine("hbs", engine({ extname: ".hbs", defaultLayout: "main", helpers, layoutsDir: path.join(viewsDir, "layouts"), partialsDir: path.join(viewsDir, "partials") }));
  app.set("view engine", "hbs");
  app.set("views", viewsDir);

  app.use(
    helmet({
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
    }),
  );

  app.use(ltiFrameAncestors(db));

  app.get("/healthz", async (_req, res) => {
    await db.$queryRawUnsafe("SELECT 1");
    res.json({ status: "ok" });
  });

  const staticOptions = { maxAge: config.production ? "1d" : 0, fallthrough: true };
  app.use("/static", express.static(publicDir, staticOptions));
  app.use("/static/katex", express.static(path.join(projectRoot, "node_modules", "katex", "dist"), staticOptions));

  app.use(cookieParser());

  // The JSON API: bearer tokens only, so it needs no CSRF tokens.
  const api = express.Router();
  api.use(express.json({ limit: "1mb", strict: true }));
  api.use(tokenRoutes(db));
  api.use(requireBearer(db));
  api.use(accountRoutes(db));
  api.use(quizApi(db));
  api.use(ltiApi(db, config.sessionSecret));
  api.use(homeworkApi(db, { submitLimitPerMinute: config.submitLimitPerMinute, gradebookExtras }));
  api.use(notFoundHandler); // unknown API paths never fall through to the cookie pages
  app.use("/api/v1", api);

  const sessionOptions = { db, secret: config.sessionSecret, secureCookies: config.production };
  app.use(express.urlencoded({ extended: false, limit: "200kb", parameterLimit: 2000 }));
  app.use(sessions(sessionOptions));
  app.use(ltiProtocolRoutes(sessionOptions, config)); // cross-site posts from the LMS: signed, no CSRF token
  app.use(csrfProtection);
  app.use(authPages(sessionOptions));
  app.use(coursePages(db));
  app.use(quizPages(db, config));
  app.use(studentPages(db, { submitLimitPerMinute: config.submitLimitPerMinute }));
  app.use(instructorCoursePages(db, { gradebookExtras }));
  app.use(instructorAssignmentPages(db));
  app.use(cataloguePages());
  app.use(ltiPages(db, config));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
