/**
 * Every negative case of shared/LTI.md: each launch answers 4xx with a page saying why, and
 * nobody is signed in afterwards. The fake LMS signs the tokens; `tamper` changes claims before
 * signing, `edit` replaces the posted form (other headers, keys, algorithms, replays).
 */
import crypto from "node:crypto";
import { decodeJwt, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { startLiveServer } from "../support/live-server";
import { CLAIM, FakeLms, type PendingLaunch } from "../../bench/lib/fake-lms";
import { Browserish, launchThrough, sessionCookie } from "../../bench/lib/lti-client";
import { addPlatformArgs, deepLinkAssignments, learner, runLtiCli, TEACHER } from "../support/lti-setup";

jest.setTimeout(60_000);

let server: Awaited<ReturnType<typeof startLiveServer>>;
let fake: FakeLms;
let item: Record<string, unknown>;

beforeAll(async () => {
  server = await startLiveServer();
  fake = await new FakeLms().start();
  fake.useTool(server.url);
  expect((await runLtiCli(server.databaseUrl, addPlatformArgs(fake))).code).toBe(0);
  item = (await deepLinkAssignments(fake, server.url, 1))[0]!;
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const studentLaunch = (tamper?: (c: JWTPayload) => JWTPayload): PendingLaunch => ({ ...fake.resourceLaunch(learner(5), fake.lineItems[0]!, item), tamper });

/** The launch must be refused with this status and message, and leave nobody signed in. */
async function expectRefused(pending: PendingLaunch, status: number, message: RegExp, edit?: Parameters<typeof launchThrough>[4]) {
  const b = new Browserish();
  const { res } = await launchThrough(b, fake, server.url, pending, edit);
  const html = await res.text();
  expect({ status: res.status, message: message.test(html) ? "ok" : html.slice(0, 2000) }).toEqual({ status, message: "ok" });
  expect(html).toContain("The LMS launch was refused");
  expect(sessionCookie(b, server.url)).toBeUndefined();
  const after = await b.fetch(`${server.url}/assignments`);
  expect(after.status).toBe(303);
  expect(after.headers.get("location")).toMatch(/^\/signin/);
}

const now = () => Math.floor(Date.now() / 1000);

/** Re-signs the posted id_token's claims with other header/key choices. */
const resign = (sign: (claims: JWTPayload) => Promise<string>) => async (form: Record<string, string>) => ({ ...form, id_token: await sign(decodeJwt(form.id_token!)) });

test("control: the untampered launch signs the student in", async () => {
  const b = new Browserish();
  const { res } = await launchThrough(b, fake, server.url, studentLaunch());
  expect(res.status).toBe(303);
  expect(sessionCookie(b, server.url)).toBeDefined();
});

test.each<[string, (c: JWTPayload) => JWTPayload, number, RegExp]>([
  ["expired", (c) => ({ ...c, iat: now() - 900, exp: now() - 120 }), 401, /has expired/],
  ["iat in the future", (c) => ({ ...c, iat: now() + 600, exp: now() + 900 }), 401, /issued in the future|iat/],
  ["wrong iss", (c) => ({ ...c, iss: "https://evil.example" }), 401, /issuer \(iss\)/],
  ["wrong aud", (c) => ({ ...c, aud: "someone-else" }), 401, /audience \(aud\)/],
  ["an extra untrusted aud", (c) => ({ ...c, aud: [fake.clientId, "untrusted-tool"], azp: fake.clientId }), 401, /audience other than this tool/],
  ["wrong azp", (c) => ({ ...c, azp: "untrusted-tool" }), 401, /azp/],
  ["wrong nonce", (c) => ({ ...c, nonce: "not-the-nonce" }), 401, /nonce does not match/],
  ["unknown deployment", (c) => ({ ...c, [CLAIM.deploymentId]: "deploy-999" }), 403, /deployment &quot;deploy-999&quot; is not registered/],
  ["wrong version", (c) => ({ ...c, [CLAIM.version]: "1.1.0" }), 400, /version claim must be &quot;1.3.0&quot;/],
  ["wrong message_type", (c) => ({ ...c, [CLAIM.messageType]: "LtiSubmissionReviewRequest" }), 400, /message type must be/],
  ["missing resource_link.id", (c) => ({ ...c, [CLAIM.resourceLink]: { title: "no id" } }), 400, /resource_link/],
  ["off-site target_link_uri", (c) => ({ ...c, [CLAIM.targetLinkUri]: "https://evil.example/lti/launch" }), 400, /target_link_uri must point at this Likely/],
])("refused: %s", async (_name, tamper, status, message) => {
  await expectRefused(studentLaunch(tamper), status, message);
});

test("refused: missing state, and a state Likely never issued", async () => {
  await expectRefused(studentLaunch(), 400, /has no state/, (f) => ({ id_token: f.id_token! }));
  await expectRefused(studentLaunch(), 401, /state is unknown, expired or already used/, (f) => ({ ...f, state: crypto.randomBytes(32).toString("base64url") }));
});

test("refused: a replayed id_token, with its own state or with a fresh one", async () => {
  const b = new Browserish();
  const { res, form } = await launchThrough(b, fake, server.url, studentLaunch());
  expect(res.status).toBe(303);
  // The same post again.
  await expectRefused(studentLaunch(), 401, /already used/, () => form);
  // The used token under a new login's state: the nonce is that login's, not the token's.
  await expectRefused(studentLaunch(), 401, /nonce does not match/, (f) => ({ ...f, id_token: form.id_token! }));
});

test("refused: alg none, and HS256 signed with the platform's public key", async () => {
  const none = async (c: JWTPayload) => `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", kid: fake.currentKey.kid })).toString("base64url")}.${Buffer.from(JSON.stringify(c)).toString("base64url")}.`;
  await expectRefused(studentLaunch(), 401, /must be signed with RS256/, resign(none));
  const pem = Buffer.from(await exportSPKI((await import("node:crypto")).createPublicKey({ key: fake.currentKey.jwk as crypto.JsonWebKey, format: "jwk" }) as never));
  const hs = (c: JWTPayload) => new SignJWT(c).setProtectedHeader({ alg: "HS256", kid: fake.currentKey.kid }).sign(pem);
  await expectRefused(studentLaunch(), 401, /must be signed with RS256/, resign(hs));
});

test("refused: the right kid with a different key", async () => {
  const { privateKey } = await generateKeyPair("RS256");
  const forged = (c: JWTPayload) => new SignJWT(c).setProtectedHeader({ alg: "RS256", kid: fake.currentKey.kid }).sign(privateKey);
  await expectRefused(studentLaunch(), 401, /signature does not verify/, resign(forged));
});

test("an unknown kid is refused after one re-fetch; after the platform rotates its key, launches with the new key succeed", async () => {
  const { privateKey } = await generateKeyPair("RS256");
  const unknown = (c: JWTPayload) => new SignJWT(c).setProtectedHeader({ alg: "RS256", kid: "kid-nobody-published" }).sign(privateKey);
  await expectRefused(studentLaunch(), 401, /no key with kid &quot;kid-nobody-published&quot;/, resign(unknown));
  await new Promise((r) => setTimeout(r, 1100)); // the tool re-fetches a platform's keys at most once a second
  await fake.rotateKey();
  const b = new Browserish();
  const { res } = await launchThrough(b, fake, server.url, studentLaunch());
  expect(res.status).toBe(303);
  expect(sessionCookie(b, server.url)).toBeDefined();
});

test("refused: a learner launch into an LMS course no instructor has opened, and a role Likely does not know", async () => {
  const other = { ...studentLaunch(), tamper: (c: JWTPayload) => ({ ...c, [CLAIM.context]: { id: "course-never-opened", title: "Other" } }) };
  await expectRefused(other, 403, /not set up in Likely yet/);
  const mentor = { ...studentLaunch(), user: { ...learner(6), roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"] } };
  await expectRefused(mentor, 403, /Instructor or Learner role/);
  void TEACHER;
});
