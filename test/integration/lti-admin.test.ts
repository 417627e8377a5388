/**
 * The operator's side of LTI: the admin page (gated on the account role), the Canvas JSON, dynamic
 * registration against the fake LMS, and key rotation (`likely lti rotate-key`).
 */
import { FakeLms } from "../../bench/lib/fake-lms";
import { Browserish, formFields } from "../../bench/lib/lti-client";
import { createAccount } from "../../src/auth/create-account";
import { startLiveServer, TEST_PASSWORD } from "../support/live-server";
import { runLtiCli } from "../support/lti-setup";
import { DEMO_INSTRUCTOR, DEMO_STUDENTS } from "../../src/seed/demo";

jest.setTimeout(60_000);

let server: Awaited<ReturnType<typeof startLiveServer>>;
let fake: FakeLms;

beforeAll(async () => {
  server = await startLiveServer();
  fake = await new FakeLms().start();
  fake.useTool(server.url);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

async function signedIn(email: string): Promise<Browserish> {
  const b = new Browserish();
  const page = await b.fetch(`${server.url}/signin`);
  const { fields } = formFields(await page.text(), 'name="password"');
  const res = await b.fetch(`${server.url}/signin`, { form: { ...fields, email, password: TEST_PASSWORD } });
  expect(res.status).toBe(303);
  return b;
}

test("the admin page shows the URLs to paste and registers a platform; students and instructors get 404", async () => {
  const student = await signedIn(DEMO_STUDENTS[0]!);
  expect((await student.fetch(`${server.url}/admin/lti`)).status).toBe(404);
  // Registering an LMS is the operator's: the admin account role, like the rest of /admin.
  expect((await (await signedIn(DEMO_INSTRUCTOR)).fetch(`${server.url}/admin/lti`)).status).toBe(404);
  await createAccount(server.db, { email: "ops@example.edu", name: "Olga Ops", role: "admin", password: TEST_PASSWORD });
  const b = await signedIn("ops@example.edu");
  const page = await b.fetch(`${server.url}/admin/lti`);
  expect(page.status).toBe(200);
  const html = await page.text();
  for (const path of ["/lti/login", "/lti/launch", "/.well-known/jwks.json", "/lti/register", "/lti/config.json"]) expect(html).toContain(server.url + path);
  const { fields, action } = formFields(html, 'name="issuer"');
  const bad = await b.fetch(server.url + action, { form: { ...fields, issuer: "nope", clientId: "c", authUrl: fake.authUrl, tokenUrl: fake.tokenUrl, jwksUrl: fake.jwksUrl } });
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("issuer: issuer must be an absolute http(s) URL");
  const ok = await b.fetch(server.url + action, { form: { ...fields, name: "Moodle", issuer: fake.issuer, clientId: "admin-client", authUrl: fake.authUrl, tokenUrl: fake.tokenUrl, jwksUrl: fake.jwksUrl, deployments: "d1, d2" } });
  expect(ok.status).toBe(200);
  const p = await server.db.ltiPlatform.findFirstOrThrow({ where: { clientId: "admin-client" }, include: { deployments: true } });
  expect(p.deployments.map((d) => d.deploymentId).sort()).toEqual(["d1", "d2"]);
});

test("/lti/config.json is the Canvas developer-key JSON", async () => {
  const json = await (await fetch(`${server.url}/lti/config.json`)).json();
  expect(json).toMatchObject({ oidc_initiation_url: `${server.url}/lti/login`, target_link_uri: `${server.url}/lti/launch`, public_jwk_url: `${server.url}/.well-known/jwks.json` });
  expect(json.extensions[0].privacy_level).toBe("public");
  expect(json.scopes).toContain("https://purl.imsglobal.org/spec/lti-ags/scope/score");
});

test("dynamic registration: reads the platform configuration, registers, stores client and deployment, closes", async () => {
  const b = await signedIn(DEMO_INSTRUCTOR);
  const url = `${server.url}/lti/register?openid_configuration=${encodeURIComponent(`${fake.origin}/dynreg/openid-configuration`)}&registration_token=${fake.registrationToken}`;
  const res = await b.fetch(url);
  const html = await res.text();
  expect(res.status).toBe(200);
  expect(html).toContain("/static/js/lti-close.js");
  const reg = fake.registrations[0]!;
  expect(reg).toMatchObject({ response_types: ["id_token"], initiate_login_uri: `${server.url}/lti/login`, redirect_uris: [`${server.url}/lti/launch`], jwks_uri: `${server.url}/.well-known/jwks.json`, token_endpoint_auth_method: "private_key_jwt" });
  const p = await server.db.ltiPlatform.findFirstOrThrow({ where: { clientId: "dynreg-client-1" }, include: { deployments: true } });
  expect(p).toMatchObject({ issuer: fake.issuer, authUrl: fake.authUrl, tokenUrl: fake.tokenUrl, jwksUrl: fake.jwksUrl });
  expect(p.deployments.map((d) => d.deploymentId)).toEqual(["dynreg-deploy-9"]);
  // A wrong token, and a configuration whose issuer is another origin: 400 with the reason.
  const wrong = await b.fetch(url.replace(fake.registrationToken, "wrong"));
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).toMatch(/could not be registered: the platform configuration .* answered 401/);
  expect((await b.fetch(`${server.url}/lti/register`)).status).toBe(400);
  const student = await signedIn(DEMO_STUDENTS[1]!);
  expect((await student.fetch(url)).status).toBe(403);
});

test("likely lti rotate-key: the new key signs, the old stays published; --revoke removes it at once", async () => {
  const before = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()).keys.map((k: { kid: string }) => k.kid);
  const rotated = JSON.parse((await runLtiCli(server.databaseUrl, ["rotate-key"])).stdout);
  const after = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()).keys.map((k: { kid: string }) => k.kid);
  expect(after).toEqual([...before, rotated.kid]);
  const { forgetSigningKey, signingKey } = await import("../../src/lti/keys");
  forgetSigningKey(server.db);
  expect((await signingKey(server.db, server.config.sessionSecret)).kid).toBe(rotated.kid);
  const revoked = JSON.parse((await runLtiCli(server.databaseUrl, ["rotate-key", "--revoke"])).stdout);
  const left = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()).keys.map((k: { kid: string }) => k.kid);
  expect(left).toEqual([revoked.kid]);
  expect(revoked.removed).toBe(after.length);
});
