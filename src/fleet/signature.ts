/**
 * @module
 * The webhook signature (docs/server.md, "Verifying a webhook"): Stripe's scheme.
 *
 *     ictsguard-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is signed with the body, so a receiver that refuses old timestamps (5 minutes is
 * the documented window) cannot be fed a recorded request again. The secret is the subscription's
 * (`whsec_...`, the whole string is the HMAC key).
 */
import { createHmac, randomBytes } from "node:crypto";

export const SIGNATURE_HEADER = "ictsguard-signature";
export const EVENT_ID_HEADER = "ictsguard-event-id";
export const EVENT_TYPE_HEADER = "ictsguard-event-type";

/** A new subscription secret: `whsec_` + 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The header value for a body sent at `unixSeconds`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}
