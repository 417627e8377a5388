import type { FakeLms, PendingLaunch } from "./fake-lms";

/** A minimal browser for HTTP tests: a cookie jar per origin, no automatic redirects. */
export class Browserish {
  private cookies = new Map<string, Map<string, string>>();

  private jar(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let j = this.cookies.get(origin);
    if (!j) this.cookies.set(origin, (j = new Map()));
    return j;
  }

  cookieHeaders(url: string): string[] {
    return [...this.jar(url).entries()].map(([k, v]) => `${k}=${v}`);
  }

  /** Raw Set-Cookie lines of the last response (tests check their attributes). */
  lastSetCookies: string[] = [];

  async fetch(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: "text/html" };
    const cookie = this.cookieHeaders(url).join("; ");
    if (cookie) headers.Cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      body = p.toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const method = init.method ?? (init.form ? "POST" : "GET");
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, redirect: "manual" });
    } catch (err) {
      // A kept-alive connection the server closed as we reused it: browsers retry a GET once.
      const code = String((err as { cause?: { code?: string } }).cause?.code ?? "");
      if (method !== "GET" || !/ECONNRESET|UND_ERR_SOCKET|EPIPE/.test(code)) throw new Error(`${method} ${new URL(url).pathname}: ${(err as Error).message} (${code || String((err as { cause?: unknown }).cause)})`);
      res = await fetch(url, { method, headers, body, redirect: "manual" });
    }
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === "";
      if (expired) this.jar(url).delete(name);
      else this.jar(url).set(name, value);
    }
    return res;
  }

  /** Follows redirects (GET) until a non-redirect answer; returns it with its final URL. */
  async follow(url: string, res?: Response): Promise<{ res: Response; url: string }> {
    let current = url;
    let r = res ?? (await this.fetch(url));
    for (let i = 0; i < 10 && r.status >= 300 && r.status < 400; i++) {
      current = new URL(r.headers.get("location")!, current).toString();
      r = await this.fetch(current);
    }
    return { res: r, url: current };
  }
}

/** Undoes HTML escaping (Handlebars also escapes = ` and '). */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The action and hidden fields of the first form containing `marker` (any form when omitted). */
export function formFields(html: string, marker = ""): { action: string; fields: Record<string, string> } {
  const form = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(marker)) ?? "";
  const action = /<form[^>]*action="([^"]+)"/.exec(form)?.[1] ?? "";
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = unescapeHtml(m[2]!);
  return { action: unescapeHtml(action), fields };
}

/**
 * A whole LTI launch as a browser makes it: the LMS's login initiation at the tool, the tool's
 * redirect to the LMS's authorization URL, the LMS's auto-posted id_token back to the tool.
 * `edit` may change the form the LMS posts (negative tests). Returns the tool's answer to the post.
 */
export async function launchThrough(
  b: Browserish,
  fake: FakeLms,
  toolOrigin: string,
  pending: PendingLaunch,
  edit?: (form: Record<string, string>) => Record<string, string> | Promise<Record<string, string>>,
): Promise<{ res: Response; form: Record<string, string> }> {
  const hint = "hint-" + Math.random().toString(36).slice(2);
  fake.launches.set(hint, pending);
  const login = await b.fetch(fake.loginUrl(toolOrigin, hint));
  if (login.status !== 302) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const auth = await b.fetch(login.headers.get("location")!);
  if (auth.status !== 200) throw new Error(`LMS auth answered ${auth.status}: ${await auth.text()}`);
  const { action, fields } = formFields(await auth.text());
  const form = edit ? await edit({ ...fields }) : fields;
  const res = await b.fetch(action, { form });
  return { res, form };
}

/** The session cookie's value for the tool, if any (nobody signed in: undefined). */
export function sessionCookie(b: Browserish, toolOrigin: string): string | undefined {
  return b.cookieHeaders(toolOrigin).find((c) => c.startsWith("likely_sid="))?.slice("likely_sid=".length);
}
