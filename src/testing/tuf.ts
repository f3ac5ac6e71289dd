/**
 * @module
 * Helpers for the update tests: a real HTTP server on 127.0.0.1 serving a repository folder,
 * catalog folders of a chosen version and date, and the tools an attacker (or a broken mirror)
 * would use on a published repository: re-signing metadata with keys of the key folder, so a
 * test can serve an older snapshot under a newer timestamp, an expired timestamp, and so on.
 * Signing goes through the publisher's own key code; verifying is left to tuf-js.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, normalize, resolve, sep } from "node:path";
import { Metadata, MetaFile, MetadataKind, type Root, type Snapshot, type Targets, type Timestamp } from "@tufjs/models";
import { defaultCatalogDir } from "../catalog/load.js";
import { sha256 } from "../catalog/bundle.js";
import type { SigningKey } from "../catalog/tuf/keys.js";
import { metadataBytes, tufTime, writeAtomic } from "../catalog/tuf/publish.js";
import { portOutsideEphemeralRange } from "./port.js";
import { tempDir } from "./temp.js";

export type Served = { url: string; requests: string[]; close(): Promise<void> };

/** Serves the files under `dir` on 127.0.0.1 (a random port); anything else is a 404. */
export async function serveDirectory(dir: string): Promise<Served> {
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body);
  });
  // closed while clients still hold its URL ("an unreachable repository"): a port no other test's listen(0) is handed
  const port = await portOutsideEphemeralRange();
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, "127.0.0.1", ok));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** A copy of the bundled catalog with another version and date (and optionally a note, to change its content). */
export function catalogVersion(version: string, date: string, base: string = tempDir("ictsguard-catalog-")): string {
  const dir = join(base, `catalog-${version}`);
  cpSync(defaultCatalogDir(), dir, { recursive: true });
  const meta = join(dir, "catalog.yaml");
  const text = readFileSync(meta, "utf8")
    .replace(/version: "[^"]*"/, `version: "${version}"`)
    .replace(/date: "[^"]*"/, `date: "${date}"`);
  writeFileSync(meta, text);
  return dir;
}

/** `YYYY-MM-DD`, `days` from today (UTC). */
export function dayOffset(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Re-signing a repository's metadata

type AnyMeta = Root | Timestamp | Snapshot | Targets;

export function readMetadata<K extends MetadataKind>(repo: string, file: string, kind: K): Metadata<KindOf<K>> {
  const json = JSON.parse(readFileSync(join(repo, "metadata", file), "utf8"));
  return Metadata.fromJSON(kind as MetadataKind.Root, json) as unknown as Metadata<KindOf<K>>;
}
type KindOf<K> = K extends MetadataKind.Root ? Root : K extends MetadataKind.Timestamp ? Timestamp : K extends MetadataKind.Snapshot ? Snapshot : Targets;

/** Signs `md` afresh with `keys` (dropping its old signatures) and writes it as `file`; returns the bytes. */
export function writeSigned(repo: string, file: string, md: Metadata<AnyMeta>, keys: readonly SigningKey[]): Buffer {
  md.signatures = {};
  for (const k of keys) md.sign(k.sign);
  const bytes = metadataBytes(md);
  writeAtomic(join(repo, "metadata", file), bytes);
  return bytes;
}

/** The TUF description of a metadata file's bytes (what a snapshot or timestamp lists). */
export function metaFileOf(version: number, bytes: Buffer): MetaFile {
  return new MetaFile({ version, length: bytes.length, hashes: { sha256: sha256(bytes) } });
}

export const tufDate = (daysFromNow: number): string => tufTime(new Date(Date.now() + daysFromNow * 86_400_000));
