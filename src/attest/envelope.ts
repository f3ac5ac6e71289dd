/**
 * @module
 * The signed envelope of an attestation: DSSE (Dead Simple Signing Envelope, v1), with an
 * ed25519 signature over the pre-authentication encoding of the payload type and the payload:
 *
 *     PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *     (SP: one space; LEN: the byte length in ASCII decimal)
 *
 *     { "payloadType": "application/vnd.ictsguard.attestation+json",
 *       "payload": base64(body), "signatures": [{ "keyid": KEY_ID, "sig": base64(signature) }] }
 *
 * The body is the statement in canonical JSON, RFC 8785 (JCS): object keys sorted by their UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them, so
 * the same statement is always the same bytes and any JSON parser reads them.
 * (@tufjs/canonical-json, which the TUF code uses, writes control characters inside strings
 * raw: a PEM key's line breaks, or a host name with a control character from an inventory, would
 * make the payload something JSON parsers refuse.) A key id is the SHA-256 (hex) of the 32 bytes
 * of the raw ed25519 public key: `openssl pkey -pubin -in key.pem -outform DER | tail -c 32 |
 * sha256sum`. As DSSE says, the key id only picks a key: verification checks the signature with
 * a key the verifier chose (a pinned one), or, when none is given, with the public key the
 * statement itself names (then nothing says who made it, and `verifyEnvelope` says so).
 * Nothing here touches the store: `ictsguard attest verify` runs offline with only this module.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

export const ATTESTATION_PAYLOAD_TYPE = "application/vnd.ictsguard.attestation+json";

export type Signature = { keyid: string; sig: string };

export type Envelope = { payloadType: string; payload: string; signatures: Signature[] };

/** The pre-authentication encoding DSSE signs. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** RFC 8785 canonical JSON of a JSON value (plain objects, arrays, strings, finite numbers, booleans, null). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON has no ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (typeof value === "object") {
    // JavaScript's default sort compares UTF-16 code units, as RFC 8785 says
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  throw new Error(`canonical JSON has no ${typeof value}`);
}

/** The canonical JSON bytes of a value (what is signed), UTF-8. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), "utf8");
}

/** SHA-256 (hex) of the raw 32-byte ed25519 public key. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an ed25519 public key, got ${key.asymmetricKeyType ?? "an unknown key type"}`);
  const raw = Buffer.from(key.export({ format: "jwk" }).x as string, "base64url");
  return createHash("sha256").update(raw).digest("hex");
}

/** Signs a statement: its canonical JSON in a DSSE envelope, one ed25519 signature. */
export function signStatement(statement: unknown, privateKeyPem: string, keyId: string, payloadType = ATTESTATION_PAYLOAD_TYPE): Envelope {
  const body = canonicalBytes(statement);
  const sig = sign(null, pae(payloadType, body), privateKeyPem);
  return { payloadType, payload: body.toString("base64"), signatures: [{ keyid: keyId, sig: sig.toString("base64") }] };
}

export type Verification =
  | {
      valid: true;
      keyId: string;
      /** True when the key was given by the verifier (`--trusted-key`); false when it came from the statement itself. */
      pinned: boolean;
      statement: Record<string, unknown>;
    }
  | { valid: false; reason: string; keyId?: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: unknown, what: string): Buffer {
  if (typeof text !== "string" || text.length % 4 !== 0 || !BASE64.test(text)) throw new Error(`${what} is not base64`);
  return Buffer.from(text, "base64");
}

/**
 * Verifies an envelope (the parsed file). With `trustedKey` (PEM), the signature must be that
 * key's; without it, the key is the one the statement names in `signingKey.publicKey`, and the
 * answer says it was not pinned. Any defect of the envelope is an invalid answer, never a throw.
 */
export function verifyEnvelope(envelope: unknown, trustedKey?: KeyObject): Verification {
  try {
    const e = envelope as Partial<Envelope> | null;
    if (!e || typeof e !== "object" || Array.isArray(e)) return { valid: false, reason: "not a JSON object (expected a DSSE envelope)" };
    if (e.payloadType !== ATTESTATION_PAYLOAD_TYPE) return { valid: false, reason: `payloadType is ${JSON.stringify(e.payloadType)}, expected "${ATTESTATION_PAYLOAD_TYPE}"` };
    const body = decodeBase64(e.payload, "payload");
    if (!Array.isArray(e.signatures) || e.signatures.length === 0) return { valid: false, reason: "no signatures" };
    let statement: Record<string, unknown>;
    try {
      statement = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return { valid: false, reason: "the payload is not JSON" };
    }
    let key = trustedKey;
    if (!key) {
      const named = (statement.signingKey as { publicKey?: unknown } | undefined)?.publicKey;
      if (typeof named !== "string") return { valid: false, reason: "the statement names no signing key and no trusted key was given" };
      try {
        key = createPublicKey(named);
      } catch {
        return { valid: false, reason: "the statement's signing key is not a public key" };
      }
    }
    const keyId = keyIdOf(key);
    const signature = e.signatures.find((s) => s && typeof s === "object" && s.keyid === keyId);
    if (!signature) {
      const ids = e.signatures.map((s) => String((s as Signature | undefined)?.keyid)).join(", ");
      return { valid: false, keyId, reason: `no signature by key ${keyId} (the envelope is signed by ${ids})` };
    }
    const sig = decodeBase64(signature.sig, "the signature");
    if (!verify(null, pae(e.payloadType, body), key, sig)) return { valid: false, keyId, reason: `the signature by key ${keyId} does not match the payload: the statement was changed or signed by another key` };
    const named = statement.signingKey as { keyId?: unknown } | undefined;
    if (named?.keyId !== undefined && named.keyId !== keyId) return { valid: false, keyId, reason: `the statement names key ${String(named.keyId)} but is signed by ${keyId}` };
    return { valid: true, keyId, pinned: trustedKey !== undefined, statement };
  } catch (err) {
    return { valid: false, reason: (err as Error).message };
  }
}
