import { z } from "zod";
import type { Db } from "../db/client";
import { upsertPlatform, type PlatformRow } from "../db/lti";
import { USER_AGENT } from "./access-token";
import { AGS_SCOPES, NRPS_SCOPE, toolUrls } from "./urls";

/** LTI Dynamic Registration 1.0: read the platform's configuration, register, store the answer. */
export class RegistrationError extends Error {}

const platformConfiguration = z.object({
  issuer: z.string().url(),
  authorization_endpoint: z.string().url(),
  token_endpoint: z.string().url(),
  jwks_uri: z.string().url(),
  registration_endpoint: z.string().url(),
  "https://purl.imsglobal.org/spec/lti-platform-configuration": z.object({ product_family_code: z.string().optional() }).passthrough().optional(),
});

const registrationAnswer = z.object({
  client_id: z.string().min(1),
  "https://purl.imsglobal.org/spec/lti-tool-configuration": z.object({ deployment_id: z.string().optional() }).passthrough().optional(),
});

const TIMEOUT_MS = 15_000;

async function getJson(url: string, init: RequestInit, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { Accept: "application/json", "User-Agent": USER_AGENT, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new RegistrationError(`${what} at ${url} could not be reached (${(err as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) throw new RegistrationError(`${what} at ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistrationError(`${what} at ${url} is not JSON`);
  }
}

/** The tool's registration request (its configuration for the platform). */
export function toolRegistration(origin: string) {
  const u = toolUrls(origin);
  return {
    application_type: "web",
    response_types: ["id_token"],
    grant_types: ["implicit", "client_credentials"],
    initiate_login_uri: u.loginUrl,
    redirect_uris: [u.launchUrl],
    client_name: "Likely",
    jwks_uri: u.jwksUrl,
    logo_uri: `${origin}/static/img/logo.svg`,
    token_endpoint_auth_method: "private_key_jwt",
    scope: [...AGS_SCOPES, NRPS_SCOPE].join(" "),
    "https://purl.imsglobal.org/spec/lti-tool-configuration": {
      domain: new URL(origin).host,
      target_link_uri: u.launchUrl,
      claims: ["iss", "sub", "name", "given_name", "family_name", "email"],
      messages: [
        { type: "LtiDeepLinkingRequest", target_link_uri: u.launchUrl, label: "Likely assignments", placements: ["ContentArea", "link_selection", "assignment_selection"] },
        { type: "LtiResourceLinkRequest", target_link_uri: u.launchUrl },
      ],
      description: "Autograded, randomized exercises on maximum likelihood and EM",
    },
  };
}

export async function registerDynamically(db: Db, origin: string, openidConfiguration: string, registrationToken: string | undefined): Promise<{ platform: PlatformRow; deploymentId: string | null }> {
  let configUrl: URL;
  try {
    configUrl = new URL(openidConfiguration);
  } catch {
    throw new RegistrationError("openid_configuration must be an absolute URL");
  }
  if (!/^https?:$/.test(configUrl.protocol)) throw new RegistrationError("openid_configuration must be an http(s) URL");
  const auth: Record<string, string> = registrationToken ? { Authorization: `Bearer ${registrationToken}` } : {};
  const parsed = platformConfiguration.safeParse(await getJson(configUrl.toString(), { headers: auth }, "the platform configuration"));
  if (!parsed.success) throw new RegistrationError(`the platform configuration lacks ${parsed.error.issues[0]!.path.join(".")}`);
  const conf = parsed.data;
  if (new URL(conf.issuer).origin !== configUrl.origin) throw new RegistrationError(`the platform's issuer ${conf.issuer} does not match the configuration URL's origin ${configUrl.origin}`);
  const answer = registrationAnswer.safeParse(
    await getJson(conf.registration_endpoint, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify(toolRegistration(origin)) }, "the registration endpoint"),
  );
  if (!answer.success) throw new RegistrationError("the platform's registration answer has no client_id");
  const deploymentId = answer.data["https://purl.imsglobal.org/spec/lti-tool-configuration"]?.deployment_id ?? null;
  const platform = await upsertPlatform(db, {
    issuer: conf.issuer,
    clientId: answer.data.client_id,
    name: conf["https://purl.imsglobal.org/spec/lti-platform-configuration"]?.product_family_code ?? "",
    authUrl: conf.authorization_endpoint,
    tokenUrl: conf.token_endpoint,
    jwksUrl: conf.jwks_uri,
    deployments: deploymentId ? [deploymentId] : [],
  });
  return { platform, deploymentId };
}
