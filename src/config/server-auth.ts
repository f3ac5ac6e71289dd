/**
 * @module
 * The config file's `server` block: browser sign-in with OpenID Connect (`server.oidc`, with
 * the mapping of the identity provider's groups to roles and sites), session timeouts
 * (`server.sessions`) and the URL browsers reach the server at (`server.publicUrl`). The client
 * secret is never in the file: `clientSecretFile` names a file that holds it.
 */
import * as z from "zod";

const siteName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a site name: lower-case letters, digits, '.', '_' or '-'");

export const GroupGrantConfig = z
  .object({
    role: z.enum(["admin", "analyst", "viewer"]),
    /** The sites the group's members may see; null or absent: every site. */
    sites: z.array(siteName).min(1).nullable().default(null),
  })
  .strict();

export const OidcConfig = z
  .object({
    issuer: z.string().url(),
    clientId: z.string().min(1),
    clientSecretFile: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).min(1).optional(),
    groupsClaim: z.string().min(1).optional(),
    tokenEndpointAuthMethod: z.enum(["client_secret_basic", "client_secret_post"]).optional(),
    groups: z.record(z.string().min(1), GroupGrantConfig).default({}),
  })
  .strict();

export const ServerConfig = z
  .object({
    publicUrl: z.string().url().optional(),
    oidc: OidcConfig.optional(),
    sessions: z
      .object({
        idleMinutes: z.number().positive().optional(),
        absoluteHours: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfig>;
