/**
 * @module
 * Sign-in with OpenID Connect: authorization code with PKCE, the server a confidential client,
 * through openid-client (discovery, the authorization URL, the code exchange with its state,
 * nonce, PKCE and ID token checks, and the UserInfo request when the ID token carries no
 * groups). The identity provider's groups map to a role and sites (`groups` in the config); a
 * person in no mapped group is refused, never given a default role. With several mapped groups
 * the highest role wins, with the sites of the groups that grant it (a viewer group over every
 * site does not widen an admin group of one site).
 *
 * The sign-in in progress is kept in the store (fleet `saveLoginRequest`), found by its state
 * and bound to the browser by a random value in the `ictsguard_login` cookie, so any `serve`
 * process on the store can finish it and a callback URL sent to someone else's browser does nothing.
 */
import { randomBytes } from "node:crypto";
import * as oidc from "openid-client";
import type { Fleet, KeyRole, LoginRequest } from "../fleet/types.js";

export type GroupGrant = { role: Exclude<KeyRole, "ingest">; sites: string[] | null };

export type OidcOptions = {
  /** The issuer URL (its `/.well-known/openid-configuration` is read on first use). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Default `openid profile email`. */
  scopes?: string[];
  /** The claim that lists the person's groups (default `groups`), in the ID token or UserInfo. */
  groupsClaim?: string;
  /** Identity provider group → role and sites (null: every site). */
  groups: Record<string, GroupGrant>;
  /** How the client authenticates at the token endpoint (default client_secret_basic). */
  tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post";
};

export type SessionTimeouts = { idleMs: number; absoluteMs: number };

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export type SignInOptions = {
  oidc: OidcOptions;
  sessions?: Partial<SessionTimeouts>;
  /** The URL browsers reach the server at (the redirect URI is `<publicUrl>/auth/callback`). Default: the address it listens on. */
  publicUrl?: string;
};

export const SESSION_COOKIE = "ictsguard_session";
export const LOGIN_COOKIE = "ictsguard_login";
/** How long a sign-in may take at the identity provider. */
export const LOGIN_TTL_MS = 10 * 60_000;
export const DEFAULT_SCOPES = ["openid", "profile", "email"];

const ROLE_RANK: Record<GroupGrant["role"], number> = { viewer: 1, analyst: 2, admin: 3 };

/** The role and sites a person's groups give, or null when none of them is mapped. */
export function grantOf(groups: readonly string[], mapping: Record<string, GroupGrant>): (GroupGrant & { groups: string[] }) | null {
  const granted = groups.filter((g) => Object.hasOwn(mapping, g));
  if (granted.length === 0) return null;
  const top = Math.max(...granted.map((g) => ROLE_RANK[mapping[g]!.role]));
  const winners = granted.filter((g) => ROLE_RANK[mapping[g]!.role] === top);
  const role = mapping[winners[0]!]!.role;
  const sites = winners.some((g) => mapping[g]!.sites === null) ? null : [...new Set(winners.flatMap((g) => mapping[g]!.sites!))].sort();
  return { role, sites, groups: winners.sort() };
}

/**
 * A `returnTo` that stays on this server: a path starting with one `/` (not `//` or `/\`, which
 * browsers read as another host), no control characters; answers it normalised, or null.
 */
export function safeReturnTo(value: string | undefined): string | null {
  if (value === undefined || value === "") return "/";
  if (value.length > 2000 || !value.startsWith("/") || value.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(value)) return null;
  const base = "http://ictsguard.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  return url.pathname + url.search + url.hash;
}

export type SignedInPerson = { sub: string; name?: string; email?: string; groups: string[] };

export type SignIn = {
  options: SignInOptions;
  timeouts: SessionTimeouts;
  /** `<public URL>/auth/callback`. */
  redirectUri(): string;
  /** Starts a sign-in: answers the identity provider's URL to send the browser to. */
  begin(binding: string, returnTo: string): Promise<URL>;
  /** Finishes one from the callback's query: the person, or throws SignInError. */
  finish(login: LoginRequest, callbackQuery: string): Promise<SignedInPerson>;
};

/** A sign-in that cannot go on; `status` is what the callback answers, the message is for people. */
export class SignInError extends Error {
  override readonly name = "SignInError";
  constructor(
    readonly status: 400 | 403 | 502,
    message: string,
  ) {
    super(message);
  }
}

const isLoopback = (url: URL): boolean => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

export function createSignIn(options: SignInOptions, fleet: Fleet, listenUrl: () => string | undefined): SignIn {
  const o = options.oidc;
  const issuer = new URL(o.issuer);
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && isLoopback(issuer))) {
    throw new Error(`the OIDC issuer must be an https:// URL (http:// only on 127.0.0.1 or localhost), got ${o.issuer}`);
  }
  const timeouts: SessionTimeouts = { ...DEFAULT_SESSION_TIMEOUTS, ...options.sessions };
  const auth = o.tokenEndpointAuthMethod === "client_secret_post" ? oidc.ClientSecretPost(o.clientSecret) : oidc.ClientSecretBasic(o.clientSecret);
  let configuration: Promise<oidc.Configuration> | undefined;
  const config = (): Promise<oidc.Configuration> =>
    (configuration ??= oidc
      .discovery(issuer, o.clientId, undefined, auth, { timeout: 10, ...(issuer.protocol === "http:" ? { execute: [oidc.allowInsecureRequests] } : {}) })
      .catch((err: unknown) => {
        configuration = undefined; // try again on the next sign-in
        throw new SignInError(502, `the identity provider at ${o.issuer} could not be reached or is not an OpenID provider: ${(err as Error).message}`);
      }));
  const base = (): string => {
    const url = options.publicUrl ?? listenUrl();
    if (!url) throw new Error("the server's public URL is not known yet");
    return url.replace(/\/+$/, "");
  };
  const redirectUri = (): string => `${base()}/auth/callback`;
  const groupsClaim = o.groupsClaim ?? "groups";
  const groupsOf = (claims: Record<string, unknown> | undefined): string[] | undefined => {
    const v = claims?.[groupsClaim];
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.filter((g): g is string => typeof g === "string");
    return undefined;
  };

  return {
    options,
    timeouts,
    redirectUri,
    async begin(binding, returnTo) {
      const c = await config();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const request: LoginRequest = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, returnTo };
      await fleet.saveLoginRequest(binding, request, LOGIN_TTL_MS);
      return oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri(),
        scope: (o.scopes ?? DEFAULT_SCOPES).join(" "),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
        state: request.state,
        nonce: request.nonce,
      });
    },
    async finish(login, callbackQuery) {
      const c = await config();
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(c, new URL(`${redirectUri()}${callbackQuery}`), {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw new SignInError(400, `the identity provider's answer was not accepted: ${(err as Error).message}`);
      }
      const claims = tokens.claims() as Record<string, unknown> | undefined;
      const sub = claims?.sub;
      if (typeof sub !== "string" || sub === "") throw new SignInError(400, "the identity provider's ID token names no subject");
      let groups = groupsOf(claims);
      let info: Record<string, unknown> | undefined;
      if (groups === undefined || typeof claims?.name !== "string" || typeof claims?.email !== "string") {
        try {
          info = (await oidc.fetchUserInfo(c, tokens.access_token, sub)) as Record<string, unknown>;
        } catch (err) {
          if (groups === undefined) throw new SignInError(502, `the identity provider's UserInfo endpoint did not answer the person's groups: ${(err as Error).message}`);
        }
        groups ??= groupsOf(info);
      }
      const str = (k: string): string | undefined => (typeof claims?.[k] === "string" ? (claims[k] as string) : typeof info?.[k] === "string" ? (info[k] as string) : undefined);
      const name = str("name") ?? str("preferred_username");
      const email = str("email");
      return { sub, ...(name ? { name } : {}), ...(email ? { email } : {}), groups: groups ?? [] };
    },
  };
}

/** A random value for the browser's sign-in cookie. */
export const newBinding = (): string => randomBytes(32).toString("base64url");
export const BINDING = /^[A-Za-z0-9_-]{43}$/;
