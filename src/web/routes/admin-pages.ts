import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { AccountInputError, createAccount } from "../../auth/create-account";
import type { Db } from "../../db/client";
import { countAccountsByRole, selectAccounts, updateUserRoleById, USER_ROLES, type UserRole } from "../../db/users";
import { HttpError, notFound } from "../../http-error";
import { ADMIN_SECTIONS } from "../admin-sections";
import { requireAdmin } from "../middleware/require-admin";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";

/** The accounts page shows this many rows; narrow with the role filter or the search box. */
const LIST_LIMIT = 500;

const listQuery = z.object({
  role: z.enum(USER_ROLES).optional().catch(undefined),
  q: z.string().max(100).optional().catch(undefined),
});
const roleForm = z.object({ role: z.enum(USER_ROLES, { error: `Role: expected one of ${USER_ROLES.join(", ")}` }) });

export type AdminPageOptions = {
  /** Shown on the admin index so the operator sees what runs (no secrets). */
  operations: { backupDir?: string; backupEveryHours?: number; backupKeep?: number; metrics: boolean };
};

async function renderUsers(db: Db, req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
  const q = listQuery.parse(req.query);
  const accounts = await selectAccounts(db, { role: q.role, search: q.q, limit: LIST_LIMIT + 1 });
  const me = currentUser(req).id;
  res.status(status).render("admin/users", {
    title: "Accounts",
    filter: q,
    roles: USER_ROLES.map((r) => ({ value: r, selected: r === q.role })),
    accounts: accounts.slice(0, LIST_LIMIT).map((a) => ({ ...a, self: a.id === me, roles: USER_ROLES.map((r) => ({ value: r, selected: r === a.role })) })),
    truncated: accounts.length > LIST_LIMIT,
    limit: LIST_LIMIT,
    form: { role: "instructor" },
    newRoles: USER_ROLES.map((r) => ({ value: r, selected: r === "instructor" })),
    ...extra,
  });
}

/** The admin area: accounts and roles (the first admin comes from `likely users add --role admin`). */
export function adminPages(db: Db, options: AdminPageOptions): Router {
  const router = Router();
  router.use("/admin", requireUser, requireAdmin);

  router.get("/admin", async (_req, res) => {
    res.render("admin/index", { title: "Admin", sections: ADMIN_SECTIONS, counts: await countAccountsByRole(db), operations: options.operations });
  });

  router.get("/admin/users", async (req, res) => {
    const saved = typeof req.query.saved === "string" ? req.query.saved.slice(0, 254) : undefined;
    await renderUsers(db, req, res, saved ? { notice: `Saved: ${saved} is now ${typeof req.query.as === "string" ? req.query.as.slice(0, 20) : "updated"}.` } : {});
  });

  router.post("/admin/users", async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = { email: String(body.email ?? "").trim(), name: String(body.name ?? ""), role: String(body.role ?? "instructor") as UserRole };
    try {
      const created = await createAccount(db, input);
      await renderUsers(db, req, res, { created: { ...created.user, password: created.password } }, 201);
    } catch (err) {
      if (!(err instanceof AccountInputError)) throw err;
      const label = { email: "Email", name: "Name", role: "Role" }[err.field] ?? err.field;
      await renderUsers(db, req, res, { error: `${label}: ${err.message.slice(err.field.length + 2)}`, form: input, newRoles: USER_ROLES.map((r) => ({ value: r, selected: r === input.role })) }, err.conflict ? 409 : 400);
    }
  });

  router.post("/admin/users/:userId/role", async (req, res) => {
    const userId = idParam(req.params.userId, "account");
    const parsed = roleForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, parsed.error.issues[0]!.message);
    // An admin who demoted themselves could leave the server with no admin at all.
    if (userId === currentUser(req).id) throw new HttpError(409, "You cannot change your own role; another admin (or likely users set-role) can.");
    const user = await updateUserRoleById(db, userId, parsed.data.role);
    if (!user) throw notFound("account");
    res.redirect(303, `/admin/users?saved=${encodeURIComponent(user.email)}&as=${user.role}`);
  });

  return router;
}
