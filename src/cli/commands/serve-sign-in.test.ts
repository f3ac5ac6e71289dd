import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../config/file.js";
import { tempDir } from "../../testing/temp.js";
import { parseGroupFlag, resolveSignIn } from "./serve-sign-in.js";

describe("serve: sign-in settings from flags and the config file", () => {
  const dir = tempDir("ictsguard-signin-conf-");
  const secret = join(dir, "secret");
  writeFileSync(secret, "s3cret\n");

  it("reads the config's server block, with flags over it and --oidc-group added", () => {
    const config = parseConfig(
      [
        "server:",
        "  publicUrl: https://guard.example.org/",
        "  oidc:",
        "    issuer: https://idp.example.org/realms/x",
        "    clientId: ictsguard",
        `    clientSecretFile: ${secret}`,
        "    groupsClaim: roles",
        "    groups:",
        "      guard-admins: { role: admin }",
        "      site-a: { role: analyst, sites: [a] }",
        "  sessions: { idleMinutes: 15, absoluteHours: 8 }",
      ].join("\n"),
      "ictsguard.yaml",
    );
    const s = resolveSignIn({ oidcGroup: ["auditors=viewer:a,b"] }, config.server, {});
    assert.deepEqual(s, {
      oidc: {
        issuer: "https://idp.example.org/realms/x",
        clientId: "ictsguard",
        clientSecret: "s3cret",
        groupsClaim: "roles",
        groups: { "guard-admins": { role: "admin", sites: null }, "site-a": { role: "analyst", sites: ["a"] }, auditors: { role: "viewer", sites: ["a", "b"] } },
      },
      sessions: { idleMs: 15 * 60_000, absoluteMs: 8 * 3_600_000 },
      publicUrl: "https://guard.example.org",
    });
    assert.equal(resolveSignIn({}, undefined, {}), undefined, "nothing asked, nothing configured");
  });

  it("refuses half a configuration, a missing secret and a mapping of no group", () => {
    assert.throws(() => resolveSignIn({ oidcIssuer: "https://idp.example.org" }, undefined, {}), /needs --oidc-client-id/);
    assert.throws(() => resolveSignIn({ oidcIssuer: "https://idp.example.org", oidcClientId: "x", oidcGroup: ["g=admin"] }, undefined, {}), /client secret/);
    assert.throws(() => resolveSignIn({ oidcIssuer: "https://idp.example.org", oidcClientId: "x" }, undefined, { ICTSGUARD_OIDC_CLIENT_SECRET: "s" }), /maps no group/);
    assert.throws(() => resolveSignIn({ oidcIssuer: "https://idp.example.org", oidcClientId: "x", oidcClientSecretFile: join(dir, "nope") }, undefined, {}), /cannot read the OIDC client secret file/);
    assert.throws(() => parseGroupFlag("admins=root"), /--oidc-group expects/);
    assert.deepEqual(parseGroupFlag("a=b=analyst:x"), ["a=b", { role: "analyst", sites: ["x"] }]);
    assert.throws(() => parseConfig("server:\n  oidc:\n    issuer: https://i\n    clientId: c\n    groups:\n      g: { role: ingest }\n", "c.yaml"), /c\.yaml:6/);
  });
});
