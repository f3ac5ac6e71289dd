/**
 * @module
 * Server ids. Hosts and findings get ids derived from what identifies them, so the same host
 * or finding has the same id on every server that judged the same uploads:
 *
 *     host id    = "h_" + first 20 hex of SHA-256("ictsguard-host/1" NUL site NUL lower-case trimmed name)
 *     finding id = "f_" + first 20 hex of SHA-256("ictsguard-fleet-finding/1" NUL site NUL engine id)
 *
 * The engine id (src/scan/finding-id.ts) already keys (host, product); the site makes it unique
 * across the server (two clients of an MSP may both have a `ws-01`). Everything else (scans,
 * exceptions, events, audit entries, jobs, keys) gets a random id with a prefix saying what it is.
 */
import { createHash, randomBytes } from "node:crypto";

const hex20 = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 20);

/** The key hosts are matched on: the trimmed name in lower case. */
export function hostNameKey(name: string): string {
  return name.trim().toLowerCase();
}

export function hostIdOf(site: string, name: string): string {
  return `h_${hex20(`ictsguard-host/1\u0000${site}\u0000${hostNameKey(name)}`)}`;
}

export function fleetFindingId(site: string, engineId: string): string {
  return `f_${hex20(`ictsguard-fleet-finding/1\u0000${site}\u0000${engineId}`)}`;
}

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("hex")}`;
}

let sequence = 0;

/**
 * An id that sorts in the order this process made it (milliseconds, then a counter), then random:
 * history events of one instant keep their write order when sorted by (at, id).
 */
export function orderedId(prefix: string): string {
  sequence = (sequence + 1) % 0x1000000;
  return `${prefix}_${Date.now().toString(16).padStart(12, "0")}${sequence.toString(16).padStart(6, "0")}${randomBytes(4).toString("hex")}`;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** 16 characters of lower-case base32 (80 random bits): the public part of keys and tokens. */
export function publicId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
