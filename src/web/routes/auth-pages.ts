import { Router, type Request } from "express";
import { z } from "zod";
import { completeSetup, setupState } from "../../auth/account-setup";
import { authenticate } from "../../auth/authenticate";
import { hasInstructorChosenPassword } from "../../auth/change-password";
import type { Db } from "../../db/client";
import { loginLimiter } from "../middleware/rate-limits";
import { endSession, startSession } from "../middleware/session";

type SessionOptions = { db: Db; secret: string; secureCookies: boolean };

const signInForm = z.object({
  email: z.string({ error: "Email: expected one e-mail address" }).trim().max(254, { error: "Email: at most 254 characters" }).default(""),
  password: z.string({ error: "Password: expected one password" }).max(200, { error: "Password: at most 200 characters" }).default(""),
  next: z.string().max(2000).optional(),
});

const setupForm = z
  .object({
    password: z.string().min(10, { error: "Password: at least 10 characters" }).max(200, { error: "Password: at most 200 characters" }),
    confirm: z.string().max(200),
  })
  .refine((f) => f.password === f.confirm, { error: "Repeat password: the two passwords differ", path: ["confirm"] });

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: unknown): string | undefined {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : undefined;
}

function landing(req: Request): string {
  return req.user?.role === "admin" ? "/admin" : req.user?.role === "instructor" ? "/courses" : "/assignments";
}

export function authPages(o: SessionOptions): Router {
  const router = Router();

  router.get("/signin", (req, res) => {
    if (req.user) return res.redirect(303, landing(req));
    const signedout = req.query.signedout === "everywhere" ? "everywhere" : req.query.signedout ? "1" : undefined;
    res.render("signin", { title: "Sign in", next: safeNext(req.query.next), signedout });
  });

  router.post(
    "/signin",
    loginLimiter(o.db),
    async (req, res) => {
      const parsed = signInForm.safeParse(req.body ?? {});
      if (!parsed.success) {
        const email = typeof req.body?.email === "string" ? req.body.email.slice(0, 254) : "";
        res.status(400).render("signin", { title: "Sign in", email, next: safeNext(req.body?.next), error: parsed.error.issues[0]!.message });
        return;
      }
      const form = parsed.data;
      const user = form.email && form.password ? await authenticate(o.db, form.email, form.password) : null;
      if (!user) {
        res.status(401).render("signin", {
          title: "Sign in",
          email: form.email,
          next: safeNext(form.next),
          error: "That email and password do not match an account. Check both and try again.",
        });
        return;
      }
      await startSession(o, req, res, user.id);
      req.user = user;
      // A password an instructor chose at import is for the first sign-in only: the holder replaces it.
      if (await hasInstructorChosenPassword(o.db, user.id)) return res.redirect(303, "/account?first=1");
      res.redirect(303, safeNext(form.next) ?? landing(req));
    },
  );

  // One-time setup links from roster imports: the holder of an account without a password chooses one.
  router.get("/welcome/:token", async (req, res) => {
    const state = await setupState(o.db, String(req.params.token));
    if (!state) return res.status(404).render("welcome", { title: "Link not valid", dead: true });
    res.render("welcome", { title: "Welcome", state, token: req.params.token });
  });

  router.post("/welcome/:token", loginLimiter(o.db), async (req, res) => {
    const token = String(req.params.token);
    const state = await setupState(o.db, token);
    if (!state) return res.status(404).render("welcome", { title: "Link not valid", dead: true });
    if (state.kind === "sign-in") return res.redirect(303, "/signin");
    const form = setupForm.safeParse(req.body ?? {});
    if (!form.success) {
      return res.status(400).render("welcome", { title: "Welcome", state, token, fieldError: { field: String(form.error.issues[0]!.path[0]), message: form.error.issues[0]!.message } });
    }
    const user = await completeSetup(o.db, token, form.data.password);
    if (!user) return res.status(404).render("welcome", { title: "Link not valid", dead: true });
    await startSession(o, req, res, user.id);
    req.user = user;
    res.redirect(303, landing(req));
  });

  router.post("/signout", async (req, res) => {
    await endSession(o, req, res);
    res.redirect(303, "/signin?signedout=1");
  });

  router.get("/", (req, res) => {
    res.redirect(303, req.user ? landing(req) : "/signin");
  });

  return router;
}
