/**
 * An in-process fake LTI 1.3 platform (LMS) for tests and the bench, on its own origin
 * (http://127.0.0.1:<port>, while the tool runs on http://localhost:<port>): its own RSA key and
 * JWKS, an OIDC authorization endpoint answering with an auto-post form, a token endpoint that
 * verifies the tool's client assertion against the tool's live JWKS, Moodle-style line items
 * (URLs with a query string), a scores endpoint checking bearer, content type and fields,
 * paged memberships and a deep-linking return that verifies the tool's JWT.
 */
import crypto from "node:crypto";
import type { Server } from "node:http";
import express from "express";
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type KeyLike, type JWTPayload } from "jose";

export const CLAIM = {
  messageType: "https://purl.imsglobal.org/spec/lti/claim/message_type",
  version: "https://purl.imsglobal.org/spec/lti/claim/version",
  deploymentId: "https://purl.imsglobal.org/spec/lti/claim/deployment_id",
  targetLinkUri: "https://purl.imsglobal.org/spec/lti/claim/target_link_uri",
  resourceLink: "https://purl.imsglobal.org/spec/lti/claim/resource_link",
  roles: "https://purl.imsglobal.org/spec/lti/claim/roles",
  context: "https://purl.imsglobal.org/spec/lti/claim/context",
  custom: "https://purl.imsglobal.org/spec/lti/claim/custom",
  ags: "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
  nrps: "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
  dlSettings: "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings",
  contentItems: "https://purl.imsglobal.org/spec/lti-dl/claim/content_items",
  dlData: "https://purl.imsglobal.org/spec/lti-dl/claim/data",
} as const;

export const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
export const LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
export const SCORE_TYPE = "application/vnd.ims.lis.v1.score+json";

type Key = { kid: string; privateKey: KeyLike; jwk: JWK };
async function makeKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = crypto.randomBytes(6).toString("hex");
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

export type LmsUser = { sub: string; name: string; email?: string; roles: string[] };
export type ReceivedScore = { lineItem: string; url: string; body: Record<string, unknown>; contentType: string; token: string; at: number };
export type LineItem = { id: string; url: string; label: string; scoreMaximum: number; resourceId?: string; resourceLinkId: string };
/** What the next /auth answers for a login_hint: the launch's message and claims. */
export type PendingLaunch = { user: LmsUser; message: "LtiResourceLinkRequest" | "LtiDeepLinkingRequest"; resourceLinkId?: string; custom?: Record<string, string>; lineItem?: string; tamper?: (claims: JWTPayload) => JWTPayload };

export class FakeLms {
  server!: Server;
  origin = "";
  readonly clientId = "likely-client-" + crypto.randomBytes(3).toString("hex");
  readonly deploymentId = "deploy-1";
  readonly contextId = "course-42";
  keys: Key[] = [];
  toolJwksUrl = "";
  toolLaunchUrl = "";
  readonly launches = new Map<string, PendingLaunch>();
  readonly scores: ReceivedScore[] = [];
  readonly lineItems: LineItem[] = [];
  readonly deepLinkReturns: { items: Record<string, unknown>[]; data: unknown; payload: JWTPayload }[] = [];
  readonly issuedTokens = new Set<string>();
  tokenRequests = 0;
  members: LmsUser[] = [];
  memberStatus = new Map<string, string>();
  /** Scores answer this status while set (e.g. 503), then normally. */
  scoreFailure: { status: number; until: number; body?: string; headers?: Record<string, string> } | null = null;
  tokenLifetimeS = 3600;
  readonly problems: string[] = [];
  readonly registrationToken = "reg-token-" + crypto.randomBytes(4).toString("hex");
  readonly registrations: Record<string, unknown>[] = [];

  get issuer() {
    return this.origin;
  }
  get authUrl() {
    return `${this.origin}/mod/lti/auth.php`;
  }
  get tokenUrl() {
    return `${this.origin}/mod/lti/token.php`;
  }
  get jwksUrl() {
    return `${this.origin}/mod/lti/certs.php`;
  }
  get membershipsUrl() {
    return `${this.origin}/mod/lti/services.php/CourseSection/42/bindings/2/memberships`;
  }
  get lineItemsUrl() {
    return `${this.origin}/mod/lti/services.php/42/lineitems?type_id=2`;
  }

  async start(): Promise<this> {
    this.keys = [await makeKey()];
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(express.json({ type: ["application/json", SCORE_TYPE] }));
    app.get("/mod/lti/certs.php", (_req, res) => res.json({ keys: this.keys.map((k) => k.jwk) }));
    app.get("/mod/lti/auth.php", (req, res) => void this.auth(req, res).catch((e) => res.status(500).send(String(e))));
    app.post("/mod/lti/token.php", (req, res) => void this.token(req, res).catch((e) => res.status(500).send(String(e))));
    app.post(/^\/mod\/lti\/services\.php\/42\/lineitems\/(\d+)\/lineitem\/scores$/, (req, res) => this.score(req, res));
    app.get("/mod/lti/services.php/42/lineitems", (req, res) => {
      if (!this.issuedTokens.has(/^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "")) return void res.status(401).json({ error: "invalid token" });
      const link = req.query.resource_link_id;
      const items = this.lineItems.filter((l) => !link || l.resourceLinkId === link);
      res.type("application/vnd.ims.lis.v2.lineitemcontainer+json").send(JSON.stringify(items.map((l) => ({ id: l.url, label: l.label, scoreMaximum: l.scoreMaximum, resourceId: l.resourceId, resourceLinkId: l.resourceLinkId }))));
    });
    app.post("/mod/lti/services.php/42/lineitems", express.json({ type: "application/vnd.ims.lis.v2.lineitem+json" }), (req, res) => {
      if (!this.issuedTokens.has(/^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "")) return void res.status(401).json({ error: "invalid token" });
      const b = req.body as { label?: string; scoreMaximum?: number; resourceId?: string; resourceLinkId?: string };
      if (req.get("content-type") !== "application/vnd.ims.lis.v2.lineitem+json" || typeof b.label !== "string" || typeof b.scoreMaximum !== "number" || !b.resourceLinkId) {
        this.problems.push(`lineitems: bad create ${JSON.stringify(b)}`);
        return void res.status(400).send("bad line item");
      }
      const id = String(this.lineItems.length + 7);
      const item = { id, url: `${this.origin}/mod/lti/services.php/42/lineitems/${id}/lineitem?type_id=2`, label: b.label, scoreMaximum: b.scoreMaximum, resourceId: b.resourceId, resourceLinkId: b.resourceLinkId };
      this.lineItems.push(item);
      res.status(201).type("application/vnd.ims.lis.v2.lineitem+json").send(JSON.stringify({ id: item.url, label: item.label, scoreMaximum: item.scoreMaximum, resourceId: item.resourceId, resourceLinkId: item.resourceLinkId }));
    });
    app.get("/mod/lti/services.php/CourseSection/42/bindings/2/memberships", (req, res) => this.memberships(req, res));
    // A course page of the LMS that frames the tool, as Canvas and Moodle do ("open in iframe").
    app.get("/course/frame", (req, res) => {
      const src = String(req.query.src ?? "");
      res.type("html").send(`<!doctype html><title>LMS course</title><h1>LMS course</h1><iframe id="tool" name="tool" src="${esc(src)}" style="width:1000px;height:700px" allow="clipboard-write"></iframe>`);
    });
    // LTI Dynamic Registration: the platform's configuration and registration endpoint.
    app.get("/dynreg/openid-configuration", (req, res) => {
      if (req.get("authorization") !== `Bearer ${this.registrationToken}`) return void res.status(401).json({ error: "bad registration token" });
      res.json({ issuer: this.issuer, authorization_endpoint: this.authUrl, token_endpoint: this.tokenUrl, jwks_uri: this.jwksUrl, registration_endpoint: `${this.origin}/dynreg/register`, "https://purl.imsglobal.org/spec/lti-platform-configuration": { product_family_code: "moodle", version: "4.3" } });
    });
    app.post("/dynreg/register", express.json(), (req, res) => {
      if (req.get("authorization") !== `Bearer ${this.registrationToken}`) return void res.status(401).json({ error: "bad registration token" });
      this.registrations.push(req.body as Record<string, unknown>);
      res.json({ client_id: "dynreg-client-1", ...(req.body as object), "https://purl.imsglobal.org/spec/lti-tool-configuration": { ...((req.body as Record<string, object>)["https://purl.imsglobal.org/spec/lti-tool-configuration"] ?? {}), deployment_id: "dynreg-deploy-9" } });
    });
    app.post("/deep-link/return", (req, res) => void this.deepLinkReturn(req, res).catch((e) => res.status(500).send(String(e))));
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, "127.0.0.1", () => resolve());
    });
    const addr = this.server.address() as { port: number };
    this.origin = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Tell the fake where the tool is (its JWKS for client assertions, its launch URL). */
  useTool(toolOrigin: string): void {
    this.toolJwksUrl = `${toolOrigin}/.well-known/jwks.json`;
    this.toolLaunchUrl = `${toolOrigin}/lti/launch`;
    this.toolJwks = createRemoteJWKSet(new URL(this.toolJwksUrl), { cooldownDuration: 0 });
  }
  private toolJwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  async rotateKey(): Promise<void> {
    this.keys.push(await makeKey());
  }
  get currentKey(): Key {
    return this.keys.at(-1)!;
  }

  /** The claims of a launch, before signing (tests tamper with them). */
  claims(p: PendingLaunch, nonce: string): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: this.issuer,
      aud: this.clientId,
      sub: p.user.sub,
      iat: now,
      exp: now + 300,
      nonce,
      name: p.user.name,
      ...(p.user.email ? { email: p.user.email } : {}),
      [CLAIM.version]: "1.3.0",
      [CLAIM.messageType]: p.message,
      [CLAIM.deploymentId]: this.deploymentId,
      [CLAIM.targetLinkUri]: this.toolLaunchUrl,
      [CLAIM.roles]: p.user.roles,
      [CLAIM.context]: { id: this.contextId, label: "STAT-310", title: "Statistical Learning" },
      [CLAIM.nrps]: { context_memberships_url: this.membershipsUrl, service_versions: ["2.0"] },
      [CLAIM.ags]: {
        scope: ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        lineitems: this.lineItemsUrl,
        ...(p.lineItem ? { lineitem: p.lineItem } : {}),
      },
    };
    if (p.message === "LtiResourceLinkRequest") {
      claims[CLAIM.resourceLink] = { id: p.resourceLinkId ?? "link-1", title: "Likely" };
      if (p.custom) claims[CLAIM.custom] = p.custom;
    } else {
      claims[CLAIM.dlSettings] = {
        deep_link_return_url: `${this.origin}/deep-link/return`,
        accept_types: ["ltiResourceLink"],
        accept_presentation_document_targets: ["iframe", "window"],
        accept_multiple: true,
        accept_lineitem: true,
        data: "opaque-platform-data-7",
      };
    }
    return p.tamper ? p.tamper(claims) : claims;
  }

  async sign(claims: JWTPayload, key: Key = this.currentKey, header: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT", ...header } as { alg: string }).sign(key.privateKey);
  }

  /** A URL on the tool that starts a login as the LMS would (third-party initiated login). */
  loginUrl(toolOrigin: string, hint: string): string {
    const u = new URL(`${toolOrigin}/lti/login`);
    u.searchParams.set("iss", this.issuer);
    u.searchParams.set("login_hint", hint);
    u.searchParams.set("target_link_uri", this.toolLaunchUrl);
    u.searchParams.set("lti_message_hint", "msg-" + hint);
    u.searchParams.set("client_id", this.clientId);
    u.searchParams.set("lti_deployment_id", this.deploymentId);
    return u.toString();
  }

  private async auth(req: express.Request, res: express.Response): Promise<void> {
    const q = req.query as Record<string, string>;
    const expect: Record<string, string> = { scope: "openid", response_type: "id_token", response_mode: "form_post", prompt: "none", client_id: this.clientId, redirect_uri: this.toolLaunchUrl };
    for (const [k, v] of Object.entries(expect)) {
      if (q[k] !== v) {
        this.problems.push(`auth: ${k}=${q[k]} (expected ${v})`);
        res.status(400).send(`bad ${k}`);
        return;
      }
    }
    const pending = this.launches.get(q.login_hint ?? "");
    if (!pending || !q.state || !q.nonce || q.lti_message_hint !== "msg-" + q.login_hint) {
      res.status(400).send("unknown login_hint or missing state/nonce");
      return;
    }
    const idToken = await this.sign(this.claims(pending, q.nonce));
    res.type("html").send(autoPost(q.redirect_uri!, { id_token: idToken, state: q.state }));
  }

  private async token(req: express.Request, res: express.Response): Promise<void> {
    this.tokenRequests++;
    const b = req.body as Record<string, string>;
    if (b.grant_type !== "client_credentials" || b.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" || !b.client_assertion || !b.scope) {
      this.problems.push(`token: bad form ${JSON.stringify(Object.keys(b))}`);
      res.status(400).json({ error: "invalid_request" });
      return;
    }
    try {
      const { payload } = await jwtVerify(b.client_assertion, this.toolJwks!, { algorithms: ["RS256"], issuer: this.clientId, audience: this.tokenUrl, subject: this.clientId });
      if (!payload.jti || !payload.exp || !payload.iat) throw new Error("jti/exp/iat missing");
    } catch (err) {
      this.problems.push(`token: client assertion refused: ${(err as Error).message}`);
      res.status(401).json({ error: "invalid_client" });
      return;
    }
    const token = crypto.randomBytes(16).toString("hex");
    this.issuedTokens.add(token);
    res.json({ access_token: token, token_type: "Bearer", expires_in: this.tokenLifetimeS, scope: b.scope });
  }

  private score(req: express.Request, res: express.Response): void {
    const token = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
    if (!this.issuedTokens.has(token)) {
      res.status(401).json({ error: "invalid token" });
      return;
    }
    if (this.scoreFailure && Date.now() < this.scoreFailure.until) {
      res.status(this.scoreFailure.status).set(this.scoreFailure.headers ?? {}).type("text").send(this.scoreFailure.body ?? "Service Unavailable");
      return;
    }
    const contentType = req.get("content-type") ?? "";
    if (contentType !== SCORE_TYPE) {
      this.problems.push(`score: content type ${contentType}`);
      res.status(415).send("wrong content type");
      return;
    }
    const q = req.query as Record<string, string>;
    if (q.type_id !== "2") {
      this.problems.push(`score: query string lost (${req.originalUrl})`);
      res.status(400).send("type_id missing");
      return;
    }
    const b = req.body as Record<string, unknown>;
    const okFields =
      typeof b.userId === "string" && typeof b.scoreGiven === "number" && typeof b.scoreMaximum === "number" && (b.activityProgress === "Submitted" || b.activityProgress === "Completed") && b.gradingProgress === "FullyGraded" && typeof b.timestamp === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(b.timestamp);
    if (!okFields) {
      this.problems.push(`score: bad body ${JSON.stringify(b)}`);
      res.status(400).send("bad score");
      return;
    }
    const lineItem = this.lineItems.find((l) => l.id === (req.params as Record<string, string>)[0]);
    if (!lineItem) {
      res.status(404).send("no such line item");
      return;
    }
    this.scores.push({ lineItem: lineItem.url, url: req.originalUrl, body: b, contentType, token, at: Date.now() });
    res.status(200).json({});
  }

  private memberships(req: express.Request, res: express.Response): void {
    const token = /^Bearer (.+)$/.exec(req.get("authorization") ?? "")?.[1] ?? "";
    if (!this.issuedTokens.has(token)) {
      res.status(401).json({ error: "invalid token" });
      return;
    }
    const page = Number(req.query.page ?? 0);
    const size = 2;
    const slice = this.members.slice(page * size, page * size + size);
    if ((page + 1) * size < this.members.length) res.set("Link", `<${this.membershipsUrl}?page=${page + 1}>; rel="next"`);
    res.type("application/vnd.ims.lti-nrps.v2.membershipcontainer+json").send(
      JSON.stringify({
        id: this.membershipsUrl,
        context: { id: this.contextId },
        members: slice.map((m) => ({ user_id: m.sub, roles: m.roles, name: m.name, email: m.email, status: this.memberStatus.get(m.sub) ?? "Active" })),
      }),
    );
  }

  private async deepLinkReturn(req: express.Request, res: express.Response): Promise<void> {
    const jwt = (req.body as Record<string, string>).JWT;
    try {
      const { payload } = await jwtVerify(jwt ?? "", this.toolJwks!, { algorithms: ["RS256"], issuer: this.clientId, audience: this.issuer });
      if (payload[CLAIM.messageType] !== "LtiDeepLinkingResponse" || payload[CLAIM.version] !== "1.3.0" || payload[CLAIM.deploymentId] !== this.deploymentId || !payload.nonce) {
        throw new Error("bad deep linking response claims");
      }
      const items = payload[CLAIM.contentItems] as Record<string, unknown>[];
      this.deepLinkReturns.push({ items, data: payload[CLAIM.dlData], payload });
      for (const item of items) {
        const li = item.lineItem as { scoreMaximum: number; label: string; resourceId: string } | undefined;
        if (!li) continue;
        const id = String(this.lineItems.length + 7);
        this.lineItems.push({ id, url: `${this.origin}/mod/lti/services.php/42/lineitems/${id}/lineitem?type_id=2`, label: li.label, scoreMaximum: li.scoreMaximum, resourceId: li.resourceId, resourceLinkId: `link-${id}` });
      }
      res.type("html").send("<!doctype html><title>LMS</title><p id=done>Added to the course.</p>");
    } catch (err) {
      this.problems.push(`deep link return refused: ${(err as Error).message}`);
      res.status(400).send("refused");
    }
  }

  /** The launch of a link created by deep linking, as the LMS makes it (custom claim + line item). */
  resourceLaunch(user: LmsUser, lineItem: LineItem, item: Record<string, unknown>): PendingLaunch {
    return { user, message: "LtiResourceLinkRequest", resourceLinkId: lineItem.resourceLinkId, custom: item.custom as Record<string, string>, lineItem: lineItem.url };
  }
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** The LMS's auto-posting form (inline script: this is the fake LMS's page, not Likely's). */
export function autoPost(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("");
  return `<!doctype html><title>LMS</title><form id=f method=post action="${esc(action)}">${inputs}<button>Continue</button></form><script>document.getElementById("f").submit()</script>`;
}
