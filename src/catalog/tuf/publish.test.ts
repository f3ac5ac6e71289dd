import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MetadataKind } from "@tufjs/models";
import { IctsError } from "../../model/errors.js";
import { catalogVersion, readMetadata } from "../../testing/tuf.js";
import { readBundle } from "../bundle.js";
import { createKey, loadKeys, loadRetiredKeys } from "./keys.js";
import { publishRepository, type PublishOptions } from "./publish.js";
import { tempDir } from "../../testing/temp.js";

function setup() {
  const dir = tempDir("ictsguard-publish-");
  const keys = join(dir, "keys");
  const out = join(dir, "repo");
  const publish = (version: string, date: string, more: Partial<PublishOptions> = {}) =>
    publishRepository({ catalogDir: catalogVersion(version, date, dir), keysDir: keys, outDir: out, ...more });
  return { dir, keys, out, publish };
}

const days = (iso: string, from: Date) => Math.round((Date.parse(iso) - from.getTime()) / 86_400_000);

describe("catalog publish", () => {
  it("a first publication makes the keys (0600), root v1 and the consistent-snapshot layout", async () => {
    const { keys, out, publish } = setup();
    const now = new Date("2026-12-01T12:00:00Z");
    const r = await publish("2026.12.01", "2026-12-01", { now });
    assert.equal(r.newRepository, true);
    assert.deepEqual(r.versions, { root: 1, targets: 1, snapshot: 1, timestamp: 1 });
    assert.equal(r.keysCreated.length, 4);
    for (const k of r.keysCreated) {
      assert.equal(statSync(k.file).mode & 0o777, 0o600, k.file);
      assert.equal(statSync(join(keys, k.role)).mode & 0o777, 0o700);
    }
    assert.deepEqual(readdirSync(join(out, "metadata")).sort(), ["1.root.json", "1.snapshot.json", "1.targets.json", "root.json", "timestamp.json"]);
    assert.equal(r.target?.path, "catalog/ictsguard-catalog-2026.12.01.json");
    const stored = join(out, "targets", "catalog", `${r.target!.sha256}.ictsguard-catalog-2026.12.01.json`);
    const bundle = await readBundle(stored);
    assert.equal(bundle.sha256, r.target!.sha256);
    assert.equal(bundle.catalog.digest, r.target!.digest);

    const root = readMetadata(out, "1.root.json", MetadataKind.Root);
    assert.equal(root.signed.consistentSnapshot, true);
    root.verifyDelegate(MetadataKind.Root, root);
    for (const role of ["targets", "snapshot", "timestamp"] as const) root.verifyDelegate(role, readMetadata(out, role === "timestamp" ? "timestamp.json" : `1.${role}.json`, role as MetadataKind.Targets));
    // default expiries: root 365, targets 90, snapshot 30, timestamp 7 days
    assert.deepEqual(
      [r.expires.root, r.expires.targets, r.expires.snapshot, r.expires.timestamp].map((e) => days(e, now)),
      [365, 90, 30, 7],
    );
    const targets = readMetadata(out, "1.targets.json", MetadataKind.Targets);
    assert.deepEqual(targets.signed.targets[r.target!.path]!.custom, {
      ictsguard: { version: "2026.12.01", date: "2026-12-01", digest: r.target!.digest, formatVersion: 1 },
    });
  });

  it("thresholds above 1 make enough keys and carry that many signatures; expiry is per role", async () => {
    const { out, publish } = setup();
    const now = new Date("2026-12-01T00:00:00Z");
    const r = await publish("a1", "2026-12-01", { thresholds: { root: 2, targets: 3 }, expiresDays: { timestamp: 1, targets: 10 }, now });
    assert.equal(r.keysCreated.filter((k) => k.role === "targets").length, 3);
    const root = readMetadata(out, "1.root.json", MetadataKind.Root);
    assert.equal(root.signed.roles.root!.threshold, 2);
    assert.equal(root.signed.roles.targets!.threshold, 3);
    assert.equal(Object.keys(root.signatures).length, 2);
    assert.equal(Object.keys(readMetadata(out, "1.targets.json", MetadataKind.Targets).signatures).length, 3);
    assert.equal(days(r.expires.timestamp, now), 1);
    assert.equal(days(r.expires.targets, now), 10);
  });

  it("each publication bumps targets, snapshot and timestamp, and keeps root until it changes", async () => {
    const { out, publish } = setup();
    await publish("a1", "2026-11-01");
    const r2 = await publish("a2", "2026-11-02");
    assert.deepEqual(r2.versions, { root: 1, targets: 2, snapshot: 2, timestamp: 2 });
    assert.equal(r2.rootChanged, false);
    assert.equal(r2.keysCreated.length, 0);
    const ts = readMetadata(out, "timestamp.json", MetadataKind.Timestamp);
    assert.equal(ts.signed.snapshotMeta.version, 2);
    assert.ok(ts.signed.snapshotMeta.hashes?.sha256, "the timestamp pins the snapshot's hash");
    const snap = readMetadata(out, "2.snapshot.json", MetadataKind.Snapshot);
    assert.equal(snap.signed.meta["targets.json"]!.version, 2);
    assert.ok(existsSync(join(out, "metadata", "1.targets.json")), "older versions stay for clients mid-update");

    const r3 = await publish("a2", "2026-11-02", { timestampOnly: true });
    assert.deepEqual(r3.versions, { root: 1, targets: 2, snapshot: 2, timestamp: 3 });
    assert.equal(r3.target, undefined);
  });

  it("a changed catalog under a version already published is refused", async () => {
    const { dir, keys, out, publish } = setup();
    await publish("same", "2026-11-01");
    const changed = catalogVersion("same", "2026-11-02", join(dir, "other"));
    await assert.rejects(
      publishRepository({ catalogDir: changed, keysDir: keys, outDir: out }),
      (e: unknown) => e instanceof IctsError && /catalog version same was already published with other content; a changed catalog needs a new catalog\.version/.test(e.message),
    );
  });

  it("root keys can stay offline: targets, snapshot and timestamp are signed without them, root changes need them", async () => {
    const { dir, keys, publish } = setup();
    await publish("a1", "2026-11-01");
    const offline = join(dir, "offline-root");
    renameSync(join(keys, "root"), offline);
    const r = await publish("a2", "2026-11-02");
    assert.equal(r.versions.targets, 2);
    await assert.rejects(publish("a3", "2026-11-03", { thresholds: { timestamp: 2 } }), /cannot sign root: root v2 needs 1 signature\(s\) of the keys the root lists for root, and 0 of those are in/);
    renameSync(offline, join(keys, "root"));
    const r3 = await publish("a3", "2026-11-03", { thresholds: { timestamp: 2 } });
    assert.equal(r3.versions.root, 2);
    assert.equal(r3.rootChanged, true);
    assert.equal(loadKeys(keys, "timestamp").length, 2);
  });

  it("rotation: the new root lists only new keys and is signed by old and new; old keys are retired", async () => {
    const { keys, out, publish } = setup();
    await publish("a1", "2026-11-01");
    const oldRoot = loadKeys(keys, "root");
    const oldTargets = loadKeys(keys, "targets");
    const r = await publish("a2", "2026-11-02", { rotate: ["root", "targets"] });
    assert.equal(r.versions.root, 2);
    assert.deepEqual(r.keysRetired.map((k) => k.keyid).sort(), [...oldRoot, ...oldTargets].map((k) => k.keyid).sort());
    assert.deepEqual(loadRetiredKeys(keys, "root").map((k) => k.keyid), oldRoot.map((k) => k.keyid));
    const root1 = readMetadata(out, "1.root.json", MetadataKind.Root);
    const root2 = readMetadata(out, "2.root.json", MetadataKind.Root);
    root1.verifyDelegate(MetadataKind.Root, root2); // the old root vouches for the new one
    root2.verifyDelegate(MetadataKind.Root, root2);
    assert.ok(!root2.signed.roles.root!.keyIDs.includes(oldRoot[0]!.keyid));
    assert.ok(!root2.signed.roles.targets!.keyIDs.includes(oldTargets[0]!.keyid));
    root2.verifyDelegate(MetadataKind.Targets, readMetadata(out, "2.targets.json", MetadataKind.Targets));
    assert.throws(() => root2.verifyDelegate(MetadataKind.Targets, readMetadata(out, "1.targets.json", MetadataKind.Targets)), /signed by 0\/1 keys/);
  });

  it("refuses a stray key, a bad threshold, a rotation with nothing to rotate, and an invalid catalog", async () => {
    const { dir, keys, out, publish } = setup();
    await assert.rejects(publish("a1", "2026-11-01", { rotate: ["root"] }), /nothing to rotate yet/);
    await assert.rejects(publish("a1", "2026-11-01", { thresholds: { root: 0 } }), /threshold of root must be a whole number of at least 1/);
    await assert.rejects(publish("a1", "2026-11-01", { timestampOnly: true }), /no repository in/);
    await publish("a1", "2026-11-01");
    createKey(keys, "snapshot");
    await assert.rejects(publish("a2", "2026-11-02"), /root v1 does not list this snapshot key; move it out of/);
    const bad = join(dir, "bad");
    mkdirSync(bad);
    await assert.rejects(publishRepository({ catalogDir: bad, keysDir: join(dir, "k2"), outDir: join(dir, "r2") }), /is invalid/);
    assert.equal(existsSync(join(dir, "k2")), false, "no keys are made for a catalog that cannot be published");
    assert.equal(existsSync(out), true);
  });
});
