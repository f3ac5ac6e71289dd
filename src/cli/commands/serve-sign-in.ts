/**
 * @module
 * `serve`'s sign-in settings, from its flags over the config file's `server` block: the OIDC
 * issuer, client id, client secret (a file, or ICTSGUARD_OIDC_CLIENT_SECRET), the group mapping
 * (`--oidc-group GROUP=ROLE[:SITE,SITE]` adds to the file's `server.oidc.groups`), the public
 * URL and the session timeouts. Half a configuration, or one that maps no group (so nobody could
 * sign in), is a usage error.
 */
import { readFileSync } from "node:fs";
import type { ServerConfig } from "../../config/server-auth.js";
import { UsageError } from "../../scan/index.js";
import type { GroupGrant, SignInOptions } from "../../server/sign-in.js";

export type SignInFlags = {
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  oidcGroup?: string[];
  publicUrl?: string;
  sessionIdleMinutes?: string;
  sessionAbsoluteHours?: string;
};

export const SECRET_ENV = "ICTSGUARD_OIDC_CLIENT_SECRET";

/** `GROUP=ROLE[:SITE,SITE]`. */
export function parseGroupFlag(value: string): [string, GroupGrant] {
  const m = /^(.+)=(admin|analyst|viewer)(?::([a-z0-9][a-z0-9._,-]*))?$/.exec(value);
  if (!m) throw new UsageError(`--oidc-group expects GROUP=ROLE or GROUP=ROLE:SITE,SITE with ROLE admin, analyst or viewer, got "${value}"`);
  const sites = m[3] ? m[3].split(",").filter(Boolean) : null;
  return [m[1]!, { role: m[2] as GroupGrant["role"], sites: sites && sites.length ? sites : null }];
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number above 0, got "${value}"`);
  return n;
}

/** The sign-in options, or undefined when neither the flags nor the config ask for sign-in. */
export function resolveSignIn(flags: SignInFlags, config: ServerConfig | undefined, env: NodeJS.ProcessEnv = process.env): SignInOptions | undefined {
  const file = config?.oidc;
  const issuer = flags.oidcIssuer ?? file?.issuer;
  const clientId = flags.oidcClientId ?? file?.clientId;
  const secretFile = flags.oidcClientSecretFile ?? file?.clientSecretFile;
  const anything = issuer ?? clientId ?? secretFile ?? (flags.oidcGroup?.length ? "groups" : undefined);
  if (!anything) return undefined;
  const missing = [!issuer && "--oidc-issuer (server.oidc.issuer)", !clientId && "--oidc-client-id (server.oidc.clientId)"].filter(Boolean);
  if (missing.length) throw new UsageError(`OpenID Connect sign-in needs ${missing.join(" and ")}`);
  try {
    const url = new URL(issuer!);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)");
  } catch {
    throw new UsageError(`--oidc-issuer must be a URL, got "${issuer}"`);
  }
  let clientSecret: string;
  if (secretFile) {
    try {
      clientSecret = readFileSync(secretFile, "utf8").trim();
    } catch (err) {
      throw new UsageError(`cannot read the OIDC client secret file ${secretFile}: ${(err as Error).message}`);
    }
    if (!clientSecret) throw new UsageError(`the OIDC client secret file ${secretFile} is empty`);
  } else if (env[SECRET_ENV]) clientSecret = env[SECRET_ENV]!;
  else throw new UsageError(`OpenID Connect sign-in needs the client secret: --oidc-client-secret-file FILE (server.oidc.clientSecretFile) or ${SECRET_ENV}`);
  const groups: Record<string, GroupGrant> = {};
  for (const [g, grant] of Object.entries(file?.groups ?? {})) groups[g] = { role: grant.role, sites: grant.sites ?? null };
  for (const value of flags.oidcGroup ?? []) {
    const [g, grant] = parseGroupFlag(value);
    groups[g] = grant;
  }
  if (Object.keys(groups).length === 0) {
    throw new UsageError("OpenID Connect sign-in maps no group to a role, so nobody could sign in: add server.oidc.groups to the config file, or --oidc-group GROUP=ROLE[:SITE,SITE]");
  }
  const publicUrl = flags.publicUrl ?? config?.publicUrl;
  if (publicUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(publicUrl);
    } catch {
      throw new UsageError(`--public-url must be a URL such as https://ictsguard.example.org, got "${publicUrl}"`);
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) throw new UsageError(`--public-url must be an http(s) URL without query or fragment, got "${publicUrl}"`);
  }
  const idleMinutes = positive(flags.sessionIdleMinutes, "--session-idle-minutes") ?? config?.sessions?.idleMinutes;
  const absoluteHours = positive(flags.sessionAbsoluteHours, "--session-absolute-hours") ?? config?.sessions?.absoluteHours;
  return {
    oidc: {
      issuer: issuer!,
      clientId: clientId!,
      clientSecret,
      groups,
      ...(file?.scopes ? { scopes: file.scopes } : {}),
      ...(file?.groupsClaim ? { groupsClaim: file.groupsClaim } : {}),
      ...(file?.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: file.tokenEndpointAuthMethod } : {}),
    },
    sessions: { ...(idleMinutes ? { idleMs: idleMinutes * 60_000 } : {}), ...(absoluteHours ? { absoluteMs: absoluteHours * 3_600_000 } : {}) },
    ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, "") } : {}),
  };
}
