/**
 * @module
 * New key pairs, made already encoded (PEM) and turned into key objects of their own.
 *
 * Why not use the key objects `generateKeyPairSync` returns: in Node.js 20 such a key shares
 * its lock with the key-generation job that made it, and exporting the key (JWK or PEM) holds
 * that lock while it allocates. When that allocation starts a garbage collection that destroys
 * the job, the job's destructor waits for the same lock, and the process hangs for good (seen:
 * `npm test` stopped in fleet-matrix.test.ts, the test identity provider exporting its RSA key
 * as JWK, the main thread in `KeyGenJob::~KeyGenJob` → `uv_mutex_lock` under `ExportJWKRsaKey`).
 * A pair generated encoded is never a key object that shares the job's lock; the objects made
 * here from its PEM each have their own.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export type KeyPair = { publicKey: KeyObject; privateKey: KeyObject; publicPem: string; privatePem: string };

/** A new ed25519 pair, or a 2048-bit RSA pair. */
export function newKeyPair(kind: "ed25519" | "rsa-2048"): KeyPair {
  const pem =
    kind === "ed25519"
      ? generateKeyPairSync("ed25519", { publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } })
      : generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  return { publicKey: createPublicKey(pem.publicKey), privateKey: createPrivateKey(pem.privateKey), publicPem: pem.publicKey, privatePem: pem.privateKey };
}
