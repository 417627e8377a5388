import { toolUrls } from "./urls";

/** The Canvas developer-key JSON ("Paste JSON"): public key by URL, AGS + NRPS scopes, public privacy so names and e-mails arrive. */
export function canvasConfig(origin: string) {
  const u = toolUrls(origin);
  const host = new URL(origin).host;
  return {
    title: "Likely",
    description: "Autograded, randomized exercises on maximum likelihood and EM",
    oidc_initiation_url: u.loginUrl,
    target_link_uri: u.launchUrl,
    public_jwk_url: u.jwksUrl,
    scopes: [
      "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
      "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
      "https://purl.imsglobal.org/spec/lti-ags/scope/score",
      "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    ],
    extensions: [
      {
        domain: host,
        tool_id: "likely",
        platform: "canvas.instructure.com",
        privacy_level: "public",
        settings: {
          text: "Likely",
          placements: [
            { placement: "link_selection", message_type: "LtiDeepLinkingRequest", target_link_uri: u.launchUrl },
            { placement: "assignment_selection", message_type: "LtiDeepLinkingRequest", target_link_uri: u.launchUrl },
            { placement: "course_navigation", message_type: "LtiResourceLinkRequest", target_link_uri: u.launchUrl, default: "disabled" },
          ],
        },
      },
    ],
    custom_fields: {},
  };
}
