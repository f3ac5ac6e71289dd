/**
 * @module
 * The publisher's signing keys: ed25519 key pairs made with node:crypto, one JSON file per key
 * under `<keys>/<role>/`, the private key as PKCS#8 PEM, files 0600 and folders 0700. Keys a
 * rotation retires move to `<keys>/retired/<role>/` so they are never used again by mistake.
 *
 * Key ids are those of the TUF specification: the SHA-256 of the canonical JSON of the public
 * key (`{keytype, scheme, keyval: {public}}`), with the public key as hex, as python-tuf writes.
 * Signing goes through `@tufjs/models` (`Metadata.sign`), which hands over the canonical bytes of
 * the signed part; verification is always tuf-js's own.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalize } from "@tufjs/canonical-json";
import { Key, Signature } from "@tufjs/models";
import * as z from "zod";
import { IctsError } from "../../model/errors.js";
import { newKeyPair } from "../../util/key-pair.js";

export const TOP_ROLES = ["root", "targets", "snapshot", "timestamp"] as const;
export type TopRole = (typeof TOP_ROLES)[number];

const KeyFile = z
  .object({
    keyid: z.string().regex(/^[0-9a-f]{64}$/),
    keytype: z.literal("ed25519"),
    scheme: z.literal("ed25519"),
    /** Raw public key, hex (32 bytes). */
    public: z.string().regex(/^[0-9a-f]{64}$/),
    /** PKCS#8 PEM. */
    private: z.string().includes("PRIVATE KEY"),
    role: z.enum(TOP_ROLES),
    created: z.string(),
  })
  .strict();
type KeyFile = z.infer<typeof KeyFile>;

/** A key the publisher holds: its TUF public form and a way to sign with it. */
export type SigningKey = {
  keyid: string;
  role: TopRole;
  /** The public key as it goes into root metadata. */
  publicKey: Key;
  /** File it was read from. */
  file: string;
  sign(data: Buffer): Signature;
};

/** The TUF key id of an ed25519 public key given as hex. */
export function keyIdOf(publicHex: string): string {
  const json = { keytype: "ed25519", scheme: "ed25519", keyval: { public: publicHex } };
  return createHash("sha256").update(canonicalize(json)).digest("hex");
}

/** A key made in memory; `save` writes it under `keysDir/<role>/` (0600). */
export type NewKey = SigningKey & { save(): void };

/**
 * Makes a new key for `role`. Nothing is written until `save()`: a publication that fails
 * leaves no half-introduced keys behind.
 */
export function generateKey(keysDir: string, role: TopRole, now: Date = new Date()): NewKey {
  const { publicKey, privateKey, privatePem } = newKeyPair("ed25519");
  const publicHex = rawPublicHex(publicKey);
  const keyid = keyIdOf(publicHex);
  const file: KeyFile = {
    keyid,
    keytype: "ed25519",
    scheme: "ed25519",
    public: publicHex,
    private: privatePem,
    role,
    created: now.toISOString(),
  };
  const path = join(keysDir, role, `${keyid.slice(0, 16)}.json`);
  return {
    ...toSigningKey(file, path),
    save() {
      roleDir(keysDir, role);
      // The mode is given at creation, so the private key is never readable by others, even briefly.
      writeFileSync(path, JSON.stringify(file, null, 2) + "\n", { mode: 0o600, flag: "wx" });
      chmodSync(path, 0o600);
    },
  };
}

/** Makes a new key for `role` and writes it at once. */
export function createKey(keysDir: string, role: TopRole, now: Date = new Date()): SigningKey {
  const key = generateKey(keysDir, role, now);
  key.save();
  return key;
}

/** Every key held for `role` (not the retired ones), sorted by key id. */
export function loadKeys(keysDir: string, role: TopRole): SigningKey[] {
  const dir = join(keysDir, role);
  if (!existsSync(dir)) return [];
  const keys: SigningKey[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    const path = join(dir, name);
    let parsed: KeyFile;
    try {
      parsed = KeyFile.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch (err) {
      throw new IctsError("keys/invalid", `${path}: not an ictsguard signing key (${(err as Error).message.split("\n")[0]})`, { source: { file: path } });
    }
    if (parsed.role !== role) throw new IctsError("keys/invalid", `${path}: a ${parsed.role} key in the folder of ${role} keys`, { source: { file: path } });
    const key = toSigningKey(parsed, path);
    if (key.keyid !== parsed.keyid) throw new IctsError("keys/invalid", `${path}: key id ${parsed.keyid} does not belong to its public key`, { source: { file: path } });
    keys.push(key);
  }
  return keys.sort((a, b) => (a.keyid < b.keyid ? -1 : 1));
}

/** Moves keys out of use, to `keysDir/retired/<role>/`. */
export function retireKeys(keysDir: string, keys: readonly SigningKey[]): void {
  for (const k of keys) {
    const dir = join(keysDir, "retired", k.role);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(k.file, join(dir, `${k.keyid.slice(0, 16)}.json`));
  }
}

/** Loads keys retired from `role` (tests use them to play an attacker holding old keys). */
export function loadRetiredKeys(keysDir: string, role: TopRole): SigningKey[] {
  return loadKeys(join(keysDir, "retired"), role);
}

function roleDir(keysDir: string, role: TopRole): string {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const dir = join(keysDir, role);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function toSigningKey(file: KeyFile, path: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(file.private);
  } catch (err) {
    throw new IctsError("keys/invalid", `${path}: unreadable private key (${(err as Error).message})`, { source: { file: path } });
  }
  const publicHex = rawPublicHex(createPublicKey(privateKey));
  if (publicHex !== file.public) throw new IctsError("keys/invalid", `${path}: the private key does not match the public key`, { source: { file: path } });
  const keyid = keyIdOf(publicHex);
  return {
    keyid,
    role: file.role,
    file: path,
    publicKey: new Key({ keyID: keyid, keyType: "ed25519", scheme: "ed25519", keyVal: { public: publicHex } }),
    sign: (data) => new Signature({ keyID: keyid, sig: sign(null, data, privateKey).toString("hex") }),
  };
}

/** The raw 32-byte ed25519 public key as hex. */
function rawPublicHex(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  return Buffer.from(jwk.x!, "base64url").toString("hex");
}
