/**
 * @module
 * `ictsguard catalog publish`: the maintainers' side of the update channel. Builds the catalog
 * bundle and the signed TUF metadata (root, targets, snapshot, timestamp) of a repository with
 * `@tufjs/models`, signing with the ed25519 keys of `keys.ts`.
 *
 * Every publication bumps targets, snapshot and timestamp; root gets a new version only when it
 * changes (a new repository, a threshold, a rotation, or a new root expiry), and a new root is
 * signed by a threshold of the previous root's keys and a threshold of its own, as the
 * specification requires of a rotation. A role's keys are needed only when that role is signed:
 * the root keys can stay offline between rotations, and `--timestamp-only` needs only the
 * timestamp keys (the routine re-signing that keeps clients from seeing a frozen repository).
 * Before anything is written, every new file is verified against the root that clients will
 * trust, so a publisher cannot produce metadata that falls short of a threshold.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Key, Metadata, MetaFile, MetadataKind, Root, Snapshot, TargetFile, Targets, Timestamp } from "@tufjs/models";
import { Role } from "@tufjs/models/dist/role.js";
import { IctsError } from "../../model/errors.js";
import { buildBundle, bundleFileName, sha256, type BuiltBundle } from "../bundle.js";
import { generateKey, loadKeys, retireKeys, TOP_ROLES, type NewKey, type SigningKey, type TopRole } from "./keys.js";
import { CATALOG_TARGET_DIR, DEFAULT_EXPIRY_DAYS, METADATA_DIR, TARGETS_DIR } from "./layout.js";

/** What a catalog target carries besides its length and hash (TUF's `custom`). */
export type CatalogTargetInfo = { version: string; date: string; digest: string; formatVersion: number };

export type PublishOptions = {
  /** The catalog folder to publish (its YAML sources). */
  catalogDir: string;
  keysDir: string;
  outDir: string;
  /** Signatures required per role; more keys are made when there are fewer. */
  thresholds?: Partial<Record<TopRole, number>>;
  /** Days from now until each role's new metadata expires. */
  expiresDays?: Partial<Record<TopRole, number>>;
  /** Roles whose keys are replaced by new ones (a new root version lists only the new keys). */
  rotate?: readonly TopRole[];
  /** Only re-sign the timestamp (needs only the timestamp keys). */
  timestampOnly?: boolean;
  now?: Date;
};

export type PublishResult = {
  newRepository: boolean;
  versions: Record<TopRole, number>;
  expires: Record<TopRole, string>;
  rootChanged: boolean;
  target?: { path: string; length: number; sha256: string } & CatalogTargetInfo;
  keysCreated: SigningKey[];
  keysRetired: SigningKey[];
  warnings: string[];
};

/** The version of the TUF specification the metadata follows (as python-tuf writes it). */
const SPEC_VERSION = "1.0.31";

type State = {
  root: Metadata<Root>;
  timestamp: Metadata<Timestamp>;
  snapshot: Metadata<Snapshot>;
  targets: Metadata<Targets>;
};

export async function publishRepository(options: PublishOptions): Promise<PublishResult> {
  const now = options.now ?? new Date();
  const metaDir = join(options.outDir, METADATA_DIR);
  const state = readState(metaDir);
  if (options.timestampOnly) {
    if (!state) throw new IctsError("publish/no-repository", `--timestamp-only: there is no repository in ${options.outDir} yet`);
    if ((options.rotate?.length ?? 0) > 0 || options.thresholds || options.expiresDays?.root || options.expiresDays?.targets || options.expiresDays?.snapshot) {
      throw new IctsError("publish/usage", "--timestamp-only re-signs only the timestamp: it takes no rotation, threshold or other role's expiry");
    }
  }
  const warnings: string[] = [];
  const expiresAt = (role: TopRole) => tufTime(new Date(now.getTime() + (options.expiresDays?.[role] ?? DEFAULT_EXPIRY_DAYS[role]) * 86_400_000));

  // Build the bundle first: a catalog error must stop the publication before any key is made.
  const built = options.timestampOnly ? undefined : await buildBundle(options.catalogDir);

  const plan = planKeys(options, state, now);
  const files: { path: string; bytes: Buffer }[] = [];
  const out = (rel: string, bytes: Buffer) => files.push({ path: join(options.outDir, rel), bytes });

  // Root: a new version only when it changes.
  let root = state?.root;
  const rootChanged = !state || plan.rootChanged || options.expiresDays?.root !== undefined;
  if (rootChanged) {
    const version = (state?.root.signed.version ?? 0) + 1;
    const keys: Record<string, Key> = {};
    const roles: Record<string, Role> = {};
    for (const role of TOP_ROLES) {
      for (const k of plan.listed[role]) keys[k.keyID] = k;
      roles[role] = new Role({ keyIDs: plan.listed[role].map((k) => k.keyID), threshold: plan.threshold[role] });
    }
    const md = new Metadata(new Root({ specVersion: SPEC_VERSION, version, expires: expiresAt("root"), keys, roles, consistentSnapshot: true }));
    // Signed by the new root's keys and, for a change of an existing root, by the previous root's.
    for (const k of uniqueKeys([...plan.held.root, ...plan.previousRootSigners])) md.sign(k.sign);
    verifyOrExplain(() => md.verifyDelegate(MetadataKind.Root, md), "root", version, plan, options.keysDir);
    if (state) verifyOrExplain(() => state.root.verifyDelegate(MetadataKind.Root, md), "root", version, plan, options.keysDir, state.root.signed.version);
    root = md;
    const bytes = metadataBytes(md);
    out(`${METADATA_DIR}/${version}.root.json`, bytes);
    out(`${METADATA_DIR}/root.json`, bytes);
  }
  const trusted = root!;
  if (Date.parse(trusted.signed.expires) - now.getTime() < 60 * 86_400_000) {
    warnings.push(`root v${trusted.signed.version} expires ${trusted.signed.expires}: re-sign it soon with --expires root=${DEFAULT_EXPIRY_DAYS.root} (needs the root keys)`);
  }

  // Targets and snapshot (not for --timestamp-only).
  let targets = state?.targets;
  let snapshot = state?.snapshot;
  let snapshotBytes: Buffer;
  let target: PublishResult["target"];
  if (built) {
    const file = catalogTarget(built, state);
    target = { path: file.path, length: file.length, sha256: built.sha256, ...(file.custom.ictsguard as CatalogTargetInfo) };
    targets = new Metadata(new Targets({ specVersion: SPEC_VERSION, version: (state?.targets.signed.version ?? 0) + 1, expires: expiresAt("targets"), targets: { [file.path]: file } }));
    signRole(targets, "targets", trusted, plan, options.keysDir);
    const targetsBytes = metadataBytes(targets);
    out(`${TARGETS_DIR}/${CATALOG_TARGET_DIR}/${built.sha256}.${basename(file.path)}`, built.bytes);
    out(`${METADATA_DIR}/${targets.signed.version}.targets.json`, targetsBytes);

    snapshot = new Metadata(
      new Snapshot({
        specVersion: SPEC_VERSION,
        version: (state?.snapshot.signed.version ?? 0) + 1,
        expires: expiresAt("snapshot"),
        meta: { "targets.json": metaFile(targets.signed.version, targetsBytes) },
      }),
    );
    signRole(snapshot, "snapshot", trusted, plan, options.keysDir);
    snapshotBytes = metadataBytes(snapshot);
    out(`${METADATA_DIR}/${snapshot.signed.version}.snapshot.json`, snapshotBytes);
  } else {
    snapshotBytes = readFileSync(join(metaDir, `${snapshot!.signed.version}.snapshot.json`));
  }

  // Timestamp, always.
  const timestamp = new Metadata(
    new Timestamp({ specVersion: SPEC_VERSION, version: (state?.timestamp.signed.version ?? 0) + 1, expires: expiresAt("timestamp"), snapshotMeta: metaFile(snapshot!.signed.version, snapshotBytes) }),
  );
  signRole(timestamp, "timestamp", trusted, plan, options.keysDir);
  out(`${METADATA_DIR}/timestamp.json`, metadataBytes(timestamp));

  // Everything is signed and verified: save the new keys, write the files (each atomically,
  // the timestamp last, as it is what makes the publication visible), retire the old keys.
  for (const k of plan.created) k.save();
  for (const f of files) writeAtomic(f.path, f.bytes);
  retireKeys(options.keysDir, plan.retire);

  return {
    newRepository: !state,
    versions: { root: trusted.signed.version, targets: targets!.signed.version, snapshot: snapshot!.signed.version, timestamp: timestamp.signed.version },
    expires: { root: trusted.signed.expires, targets: targets!.signed.expires, snapshot: snapshot!.signed.expires, timestamp: timestamp.signed.expires },
    rootChanged,
    ...(target ? { target } : {}),
    keysCreated: plan.created,
    keysRetired: plan.retire,
    warnings,
  };
}

function metaFile(version: number, bytes: Buffer): MetaFile {
  return new MetaFile({ version, length: bytes.length, hashes: { sha256: sha256(bytes) } });
}

// ---------------------------------------------------------------------------------------------
// Keys: which are listed in the root, which are held here, which are made or retired

type KeyPlan = {
  /** Public keys the (new) root lists per role. */
  listed: Record<TopRole, Key[]>;
  threshold: Record<TopRole, number>;
  /** Keys held here that the (new) root lists, per role: the ones that sign. */
  held: Record<TopRole, SigningKey[]>;
  /** The current root's keys held here (they sign a new root too). */
  previousRootSigners: SigningKey[];
  rootChanged: boolean;
  /** Keys made for this publication, saved only once it is signed. */
  created: NewKey[];
  retire: SigningKey[];
};

function planKeys(options: PublishOptions, state: State | undefined, now: Date): KeyPlan {
  const rotate = new Set(options.rotate ?? []);
  if (!state && rotate.size > 0) throw new IctsError("publish/rotate", "there is nothing to rotate yet: the first publication makes the keys");
  const plan: KeyPlan = {
    listed: { root: [], targets: [], snapshot: [], timestamp: [] },
    threshold: { root: 1, targets: 1, snapshot: 1, timestamp: 1 },
    held: { root: [], targets: [], snapshot: [], timestamp: [] },
    previousRootSigners: [],
    rootChanged: false,
    created: [],
    retire: [],
  };
  const make = (role: TopRole): NewKey => {
    const k = generateKey(options.keysDir, role, now);
    plan.created.push(k);
    return k;
  };
  for (const role of TOP_ROLES) {
    const wanted = options.thresholds?.[role];
    if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1)) {
      throw new IctsError("publish/threshold", `the threshold of ${role} must be a whole number of at least 1 (got ${wanted})`);
    }
    const current = state?.root.signed.roles[role];
    const threshold = wanted ?? current?.threshold ?? 1;
    plan.threshold[role] = threshold;
    const held = loadKeys(options.keysDir, role);

    if (!state) {
      // A new repository: the keys already in the folder, and new ones up to the threshold.
      const keys = [...held];
      while (keys.length < threshold) keys.push(make(role));
      plan.held[role] = keys;
      plan.listed[role] = keys.map((k) => k.publicKey);
      continue;
    }

    const currentIds = new Set(current?.keyIDs ?? []);
    const stray = held.find((k) => !currentIds.has(k.keyid));
    if (stray) {
      throw new IctsError(
        "publish/keys",
        `${stray.file}: root v${state.root.signed.version} does not list this ${role} key; move it out of ${join(options.keysDir, role)} ` +
          `(or replace the ${role} keys with --rotate-keys ${role})`,
      );
    }
    if (role === "root") plan.previousRootSigners = held;

    if (rotate.has(role)) {
      const keys: SigningKey[] = [];
      while (keys.length < threshold) keys.push(make(role));
      plan.held[role] = keys;
      plan.listed[role] = keys.map((k) => k.publicKey);
      plan.retire.push(...held);
      plan.rootChanged = true;
      continue;
    }

    // Keys listed but not held here are kept in the root: another maintainer (or an offline
    // store) holds them.
    const others = [...currentIds].filter((id) => !held.some((k) => k.keyid === id)).map((id) => state.root.signed.keys[id]!);
    const keys: SigningKey[] = [...held];
    while (keys.length + others.length < threshold) keys.push(make(role));
    if (keys.length > held.length || threshold !== current?.threshold) plan.rootChanged = true;
    plan.held[role] = keys;
    plan.listed[role] = [...keys.map((k) => k.publicKey), ...others];
  }
  for (const role of TOP_ROLES) plan.listed[role].sort((a, b) => (a.keyID < b.keyID ? -1 : 1));
  return plan;
}

function signRole(md: Metadata<Targets | Snapshot | Timestamp>, role: TopRole, root: Metadata<Root>, plan: KeyPlan, keysDir: string): void {
  for (const k of plan.held[role]) md.sign(k.sign);
  verifyOrExplain(() => root.verifyDelegate(role, md), role, md.signed.version, plan, keysDir);
}

/** Runs a verification; when it fails, says which keys are missing where. */
function verifyOrExplain(verify: () => void, role: TopRole, version: number, plan: KeyPlan, keysDir: string, previousRoot?: number): void {
  try {
    verify();
  } catch (err) {
    const what =
      previousRoot === undefined
        ? `${role} v${version} needs ${plan.threshold[role]} signature(s) of the keys the root lists for ${role}, and ${plan.held[role].length} of those are in ${join(keysDir, role)}`
        : `root v${version} must also be signed by a threshold of the keys of root v${previousRoot}, and ${plan.previousRootSigners.length} of those are in ${join(keysDir, "root")}`;
    throw new IctsError("publish/threshold", `cannot sign ${role}: ${what} (${(err as Error).message})`, { cause: err });
  }
}

function uniqueKeys(keys: SigningKey[]): SigningKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => !seen.has(k.keyid) && seen.add(k.keyid));
}

// ---------------------------------------------------------------------------------------------
// The catalog target

function catalogTarget(built: BuiltBundle, state: State | undefined): TargetFile {
  const path = `${CATALOG_TARGET_DIR}/${bundleFileName(built.catalog.version)}`;
  const previous = state?.targets.signed.targets[path];
  if (previous && previous.hashes.sha256 !== built.sha256) {
    throw new IctsError(
      "publish/version",
      `catalog version ${built.catalog.version} was already published with other content; a changed catalog needs a new catalog.version (catalog.yaml)`,
    );
  }
  const custom: CatalogTargetInfo = { version: built.catalog.version, date: built.catalog.date, digest: built.catalog.digest, formatVersion: built.bundle.formatVersion };
  return new TargetFile({ path, length: built.bytes.length, hashes: { sha256: built.sha256 }, unrecognizedFields: { custom: { ictsguard: custom } } });
}

// ---------------------------------------------------------------------------------------------
// Files

/** The repository's current metadata, or undefined when there is none yet. */
function readState(metaDir: string): State | undefined {
  const rootPath = join(metaDir, "root.json");
  if (!existsSync(rootPath)) return undefined;
  const root = readMetadata(rootPath, MetadataKind.Root);
  const timestamp = readMetadata(join(metaDir, "timestamp.json"), MetadataKind.Timestamp);
  const snapshot = readMetadata(join(metaDir, `${timestamp.signed.snapshotMeta.version}.snapshot.json`), MetadataKind.Snapshot);
  const targetsMeta = snapshot.signed.meta["targets.json"];
  if (!targetsMeta) throw new IctsError("publish/repository", `${metaDir}: snapshot v${snapshot.signed.version} lists no targets.json`);
  const targets = readMetadata(join(metaDir, `${targetsMeta.version}.targets.json`), MetadataKind.Targets);
  // The repository must be sound before it is extended.
  for (const [role, md] of [["timestamp", timestamp], ["snapshot", snapshot], ["targets", targets]] as const) {
    try {
      root.verifyDelegate(role, md);
    } catch (err) {
      throw new IctsError("publish/repository", `${metaDir}: the current ${role} metadata does not verify against root v${root.signed.version} (${(err as Error).message})`);
    }
  }
  return { root, timestamp, snapshot, targets };
}

function readMetadata(path: string, kind: MetadataKind.Root): Metadata<Root>;
function readMetadata(path: string, kind: MetadataKind.Timestamp): Metadata<Timestamp>;
function readMetadata(path: string, kind: MetadataKind.Snapshot): Metadata<Snapshot>;
function readMetadata(path: string, kind: MetadataKind.Targets): Metadata<Targets>;
function readMetadata(path: string, kind: MetadataKind): Metadata<Root | Timestamp | Snapshot | Targets> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new IctsError("publish/repository", `cannot read ${path}: ${(err as Error).message}`, { source: { file: path } });
  }
  try {
    return Metadata.fromJSON(kind as MetadataKind.Root, JSON.parse(text));
  } catch (err) {
    throw new IctsError("publish/repository", `${path}: not TUF ${kind} metadata (${(err as Error).message})`, { source: { file: path } });
  }
}

export function metadataBytes(md: Metadata<Root | Timestamp | Snapshot | Targets>): Buffer {
  return Buffer.from(JSON.stringify(md.toJSON(), null, 2) + "\n", "utf8");
}

/** Writes through a temporary file and a rename, so a reader sees the old file or the new one. */
export function writeAtomic(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** TUF's time format: UTC, whole seconds, `Z`. */
export function tufTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
