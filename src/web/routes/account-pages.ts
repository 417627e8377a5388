import { Router, type Response } from "express";
import { z } from "zod";
import { changePassword, hasInstructorChosenPassword } from "../../auth/change-password";
import type { Db } from "../../db/client";
import { deleteUserCredentials } from "../../db/credentials";
import { HttpError } from "../../http-error";
import { passwordChangeLimiter } from "../middleware/rate-limits";
import { currentUser, requireUser } from "../middleware/require-user";
import { endSession, startSession } from "../middleware/session";

type SessionOptions = { db: Db; secret: string; secureCookies: boolean };

const passwordForm = z.object({
  currentPassword: z.string().max(200).default(""),
  newPassword: z.string().max(200, { error: "New password: at most 200 characters" }).default(""),
  confirmPassword: z.string().max(200).default(""),
});

/** The signed-in user's account: change the password, sign out everywhere. */
export function accountPages(o: SessionOptions): Router {
  const router = Router();
  router.use("/account", requireUser);

  const render = (res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render("account", { title: "Your account", ...extra });

  router.get("/account", async (req, res) => {
    // Signed in with a password an instructor chose: the page asks for one of the holder's own.
    const first = await hasInstructorChosenPassword(o.db, currentUser(req).id);
    render(res, 200, { first, notice: req.query.changed ? "Password changed. Every other browser and API token of yours is signed out." : undefined });
  });

  router.post("/account/password", passwordChangeLimiter(o.db), async (req, res) => {
    const form = passwordForm.parse(req.body ?? {});
    let error: string | undefined;
    if (!form.currentPassword) error = "Enter your current password.";
    else if (form.newPassword.length < 8) error = "New password: at least 8 characters.";
    else if (form.newPassword !== form.confirmPassword) error = "The new password and its repetition differ. Type it twice the same way.";
    if (!error) {
      try {
        await changePassword(o.db, currentUser(req).id, form.currentPassword, form.newPassword, { sessionHash: req.sessionHash });
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 400) throw err;
        error = err.message.startsWith("currentPassword") ? "That is not your current password." : "Choose a new password different from the current one.";
      }
    }
    if (error) return render(res, 400, { error });
    // This browser stays signed in, under a fresh session id (the old id is deleted).
    await startSession(o, req, res, currentUser(req).id);
    res.redirect(303, "/account?changed=1");
  });

  router.post("/account/signout-everywhere", async (req, res) => {
    await deleteUserCredentials(o.db, currentUser(req).id);
    await endSession(o, req, res);
    res.redirect(303, "/signin?signedout=everywhere");
  });

  return router;
}
