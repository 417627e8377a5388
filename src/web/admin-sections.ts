/**
 * The admin area's pages, in the order the admin index and the nav show them. A feature with an
 * admin page of its own adds one entry here (e.g. LTI: `{ href: "/admin/lti", title: "LTI
 * platforms", summary: "..." }`) and mounts its routes behind `requireAdmin`.
 */
export type AdminSection = { href: string; title: string; summary: string };

export const ADMIN_SECTIONS: AdminSection[] = [
  { href: "/admin/users", title: "Accounts", summary: "List accounts, create instructors, change an account's role." },
  { href: "/admin/lti", title: "LTI platforms", summary: "Register an LMS (Canvas, Moodle, ...): the URLs to paste, the Canvas JSON, registered platforms." },
];
