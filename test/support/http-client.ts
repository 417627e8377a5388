/**
 * A minimal HTTP client over real sockets (Node's fetch) for tests against a listening server:
 * a browser-like cookie jar for the pages and bearer tokens for the API.
 */
export class CookieClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  /** A request with this client's cookies; redirects are returned, not followed. */
  async request(method: string, path: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { Accept: "text/html" };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  /** The CSRF token of a page's form. */
  async csrf(path: string): Promise<string> {
    const html = await (await this.request("GET", path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF token on ${path}`);
    return m[1]!;
  }

  /** Posts a form with the CSRF token of the page `from`. */
  async post(path: string, form: Record<string, string>, from: string): Promise<Response> {
    return this.request("POST", path, { ...form, _csrf: await this.csrf(from) });
  }

  async signIn(email: string, password: string): Promise<this> {
    const res = await this.post("/signin", { email, password }, "/signin");
    if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
    return this;
  }

  /** Is this browser signed in? (A signed-in page answers 200; a signed-out one redirects to /signin.) */
  async signedIn(): Promise<boolean> {
    const res = await this.request("GET", "/account");
    if (res.status === 200) return true;
    if (res.status === 303 && res.headers.get("location")?.startsWith("/signin")) return false;
    throw new Error(`GET /account answered ${res.status}`);
  }
}

/** Calls the JSON API with a bearer token over real HTTP. */
export async function api(baseUrl: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(baseUrl + "/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export async function newToken(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await api(baseUrl, undefined, "POST", "/tokens", { email, password });
  if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { token: string }).token;
}
