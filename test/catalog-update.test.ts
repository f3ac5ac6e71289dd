/**
 * End-to-end tests of the signed update channel: real repositories written by the publisher,
 * served by a real HTTP server on 127.0.0.1, fetched and verified by the real tuf-js through
 * the `ictsguard` command. Each attack of the TUF specification is played against an installed
 * catalog, and each must fail with a clear message while the previous catalog stays in use
 * (asked of `catalog status` and of a scan afterwards). The air-gapped and staleness tests are
 * in catalog-airgap.test.ts.
 */
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Metadata, MetadataKind, Root, Snapshot, Timestamp } from "@tufjs/models";
import { Role } from "@tufjs/models/dist/role.js";
import { loadKeys, loadRetiredKeys } from "../src/catalog/tuf/keys.js";
import { dayOffset, metaFileOf, readMetadata, tufDate, writeSigned } from "../src/testing/tuf.js";
import { assertStillV1, cli, closeWorlds, FLEET, installed, scanReport, serve, status, world } from "../src/testing/tuf-world.js";

after(closeWorlds);

describe("catalog update over HTTP from 127.0.0.1", () => {
  it("a good update installs, and scans then use it and name its version, digest and origin", async () => {
    const w = await world();
    const before = await status(w.home);
    assert.equal(before.origin.kind, "bundled");

    const r = await w.update();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`installed catalog ${dayOffset(-1)}\\.1 \\(${dayOffset(-1)}\\) sha256:[0-9a-f]{64} from ${w.server.url}`));
    assert.match(r.stdout, /verified: root v1, targets v1, snapshot v1, timestamp v1/);
    assert.ok(w.server.requests.includes("/metadata/timestamp.json"));
    assert.ok(w.server.requests.some((p) => /^\/targets\/catalog\/[0-9a-f]{64}\.ictsguard-catalog-/.test(p)), w.server.requests.join(" "));

    const s = await status(w.home);
    assert.equal(s.version, `${dayOffset(-1)}.1`);
    assert.equal(s.origin.kind, "installed");
    assert.equal(s.origin.source, w.server.url);
    assert.equal(s.stale, false);

    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    const r2 = await w.update();
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stdout, new RegExp(`installed catalog ${dayOffset(0)}\\.2 .* \\(was ${dayOffset(-1)}\\.1`));
    const s2 = await status(w.home);
    assert.equal(s2.version, `${dayOffset(0)}.2`);

    const { code, doc } = await scanReport(w.home, ["--quiet"]);
    assert.equal(code, 1, "the fleet has findings");
    assert.equal(doc.catalog.version, s2.version);
    assert.equal(doc.catalog.digest, s2.digest);
    assert.equal(doc.catalog.origin?.kind, "installed");
    assert.equal(doc.catalog.origin?.source, w.server.url);
    assert.equal(doc.catalog.stale, false);
    assert.ok(doc.findings.length > 0 && doc.findings.every((f) => f.vendor.length > 0));

    const sarif = await cli(["scan", FLEET, "-o", "sarif", "--quiet", "--as-of", "2025-01-01"], w.home);
    const props = (JSON.parse(sarif.stdout) as { runs: { properties: Record<string, string> }[] }).runs[0]!.properties;
    assert.deepEqual([props.catalogVersion, props.catalogDigest, props.catalogOrigin, props.catalogSource], [s2.version, s2.digest, "installed", w.server.url]);

    // check decides on the same installed catalog and names it
    const decided = await cli(["check", "--role", "business", "--action", "buy", "--product", "Kaspersky Endpoint Security", "--date", "2025-01-01", "-o", "json", "--quiet"], w.home);
    assert.equal(decided.code, 1, decided.stderr);
    const decision = JSON.parse(decided.stdout) as { decision: string; catalogVersion: string; catalogDigest: string };
    assert.deepEqual([decision.decision, decision.catalogVersion, decision.catalogDigest], ["prohibited", s2.version, s2.digest]);

    // catalog list and show read the installed catalog too
    const list = await cli(["catalog", "list", "-s", "sources", "-o", "json"], w.home);
    assert.equal((JSON.parse(list.stdout) as { version: string }).version, s2.version);

    // Nothing new: the same catalog, trusted metadata refreshed.
    const r3 = await w.update();
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stdout, /is current; trusted metadata refreshed/);
  });

  it("a tampered target (bytes changed after signing) is rejected", async () => {
    const w = await installed();
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    const targetsDir = join(w.repo, "targets", "catalog");
    const newest = readdirSync(targetsDir).find((f) => f.includes(`${dayOffset(0)}.2`))!;
    const path = join(targetsDir, newest);
    const text = readFileSync(path, "utf8");
    // Same length, one fact changed: only the hash can tell.
    writeFileSync(path, text.replace("Kaspersky", "Kaspersxy"));
    assert.equal(readFileSync(path).length, Buffer.byteLength(text));

    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ictsguard-catalog-.*\.json does not match the length and SHA-256 its signed metadata gives: it was altered after signing/);
    assert.match(r.stderr, new RegExp(`the catalog in use is still ${w.v1.version.replace(/\./g, "\\.")} \\(installed from`));
    await assertStillV1(w);
  });

  it("a rollback to an older timestamp is rejected", async () => {
    const w = await installed();
    const old = join(w.dir, "repo-v1");
    cpSync(w.repo, old, { recursive: true });
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    assert.equal((await w.update()).code, 0);
    const v2 = await status(w.home);

    // The mirror now serves the repository as it was before the second publication.
    const stale = await serve(old);
    const r = await cli(["catalog", "update", "--from", stale.url, "--trusted-root", w.root1], w.home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rollback refused: the repository offers timestamp version 1, older than the trusted version 2/);
    const s = await status(w.home);
    assert.equal(s.version, v2.version);
    assert.equal(s.digest, v2.digest);
  });

  it("a newer timestamp naming an older snapshot is rejected (snapshot rollback)", async () => {
    const w = await installed();
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    assert.equal((await w.update()).code, 0);
    const v2 = await status(w.home);
    const timestampKeys = loadKeys(w.keys, "timestamp");
    const snapshot1 = readFileSync(join(w.repo, "metadata", "1.snapshot.json"));
    writeSigned(w.repo, "timestamp.json", new Metadata(new Timestamp({ specVersion: "1.0.31", version: 3, expires: tufDate(7), snapshotMeta: metaFileOf(1, snapshot1) })), timestampKeys);

    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rollback refused: the repository offers snapshot version 1, older than the trusted version 2/);
    assert.equal((await status(w.home)).digest, v2.digest);
  });

  it("a snapshot naming older targets metadata is rejected (targets rollback)", async () => {
    const w = await installed();
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    assert.equal((await w.update()).code, 0);
    const v2 = await status(w.home);
    const targets1 = readFileSync(join(w.repo, "metadata", "1.targets.json"));
    const snapshotBytes = writeSigned(
      w.repo,
      "3.snapshot.json",
      new Metadata(new Snapshot({ specVersion: "1.0.31", version: 3, expires: tufDate(30), meta: { "targets.json": metaFileOf(1, targets1) } })),
      loadKeys(w.keys, "snapshot"),
    );
    writeSigned(w.repo, "timestamp.json", new Metadata(new Timestamp({ specVersion: "1.0.31", version: 3, expires: tufDate(7), snapshotMeta: metaFileOf(3, snapshotBytes) })), loadKeys(w.keys, "timestamp"));

    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rollback refused: the snapshot lists targets\.json version 1, older than the trusted version 2/);
    assert.equal((await status(w.home)).digest, v2.digest);
  });

  it("an expired timestamp is rejected (freeze attack)", async () => {
    const w = await installed();
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    // A repository frozen at this publication: its timestamp lapsed yesterday.
    const ts = readMetadata(w.repo, "timestamp.json", MetadataKind.Timestamp);
    writeSigned(
      w.repo,
      "timestamp.json",
      new Metadata(new Timestamp({ specVersion: "1.0.31", version: ts.signed.version + 1, expires: tufDate(-1), snapshotMeta: ts.signed.snapshotMeta })),
      loadKeys(w.keys, "timestamp"),
    );
    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /timestamp\.json has expired: the repository is frozen or no longer re-signed.*freeze attack/);
    await assertStillV1(w);
  });

  it("targets metadata whose version is not the one the snapshot names is rejected (mix-and-match)", async () => {
    const w = await installed();
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    // A mirror that mixes publications: 3.targets.json holds version 2.
    const targets2 = readFileSync(join(w.repo, "metadata", "2.targets.json"));
    writeFileSync(join(w.repo, "metadata", "3.targets.json"), targets2);
    const snapshotBytes = writeSigned(
      w.repo,
      "3.snapshot.json",
      new Metadata(new Snapshot({ specVersion: "1.0.31", version: 3, expires: tufDate(30), meta: { "targets.json": metaFileOf(3, targets2) } })),
      loadKeys(w.keys, "snapshot"),
    );
    writeSigned(w.repo, "timestamp.json", new Metadata(new Timestamp({ specVersion: "1.0.31", version: 3, expires: tufDate(7), snapshotMeta: metaFileOf(3, snapshotBytes) })), loadKeys(w.keys, "timestamp"));

    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /inconsistent repository: targets\.json is version 2 but the snapshot names version 3 \(mix-and-match protection\)/);
    await assertStillV1(w);
  });

  it("metadata signed below its role's threshold is rejected", async () => {
    const w = await installed({ thresholds: { timestamp: 2 } });
    assert.equal(loadKeys(w.keys, "timestamp").length, 2, "threshold 2 made two timestamp keys");
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0));
    const path = join(w.repo, "metadata", "timestamp.json");
    const json = JSON.parse(readFileSync(path, "utf8")) as { signatures: unknown[] };
    assert.equal(json.signatures.length, 2);
    json.signatures = json.signatures.slice(0, 1);
    writeFileSync(path, JSON.stringify(json, null, 2));

    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /timestamp metadata carries 1 valid signature\(s\) of trusted keys, 2 required/);
    await assertStillV1(w);
  });

  it("a rotated root (1.root.json → 2.root.json) is accepted, and then only the new keys are trusted", async () => {
    const w = await installed();
    const oldRootKeys = loadKeys(w.keys, "root");
    await w.publish(`${dayOffset(0)}.2`, dayOffset(0), { rotate: ["root", "timestamp"] });
    const newRootKeys = loadKeys(w.keys, "root");
    assert.deepEqual(loadRetiredKeys(w.keys, "root").map((k) => k.keyid), oldRootKeys.map((k) => k.keyid));
    assert.notDeepEqual(newRootKeys.map((k) => k.keyid), oldRootKeys.map((k) => k.keyid));
    // The new root is signed by the old root's keys and by its own.
    const root2 = readMetadata(w.repo, "2.root.json", MetadataKind.Root);
    assert.deepEqual(Object.keys(root2.signatures).sort(), [...oldRootKeys, ...newRootKeys].map((k) => k.keyid).sort());

    const r = await w.update();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /verified: root v2,/);
    const s = await status(w.home);
    assert.equal(s.version, `${dayOffset(0)}.2`);
    const trusted = JSON.parse(readFileSync(join(s.origin.path, "..", "tuf", "root.json"), "utf8")) as { signed: { version: number; roles: { root: { keyids: string[] } } } };
    assert.equal(trusted.signed.version, 2);
    assert.deepEqual(trusted.signed.roles.root.keyids, newRootKeys.map((k) => k.keyid));

    // Someone holding the retired root key signs a root v3 of their own: refused.
    const forged = new Root({
      specVersion: "1.0.31",
      version: 3,
      expires: tufDate(365),
      consistentSnapshot: true,
      keys: Object.fromEntries(oldRootKeys.map((k) => [k.keyid, k.publicKey])),
      roles: Object.fromEntries(["root", "targets", "snapshot", "timestamp"].map((role) => [role, new Role({ keyIDs: oldRootKeys.map((k) => k.keyid), threshold: 1 })])),
    });
    writeSigned(w.repo, "3.root.json", new Metadata(forged), loadRetiredKeys(w.keys, "root"));
    const r2 = await w.update();
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /root metadata carries 0 valid signature\(s\) of trusted keys, 1 required/);

    // And a timestamp signed by the retired timestamp key is refused too.
    rmSync(join(w.repo, "metadata", "3.root.json"));
    const ts = readMetadata(w.repo, "timestamp.json", MetadataKind.Timestamp);
    const retiredTs = loadRetiredKeys(w.keys, "timestamp");
    assert.equal(retiredTs.length, 1);
    writeSigned(w.repo, "timestamp.json", new Metadata(new Timestamp({ specVersion: "1.0.31", version: ts.signed.version + 1, expires: tufDate(7), snapshotMeta: ts.signed.snapshotMeta })), retiredTs);
    const r3 = await cli(["catalog", "update", "--from", w.server.url, "--trusted-root", w.root1], w.home);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /timestamp metadata carries 0 valid signature\(s\) of trusted keys, 1 required/);
    assert.equal((await status(w.home)).digest, s.digest);
  });

  it("a repository the trusted root does not vouch for is refused (the pinned root, or another --trusted-root)", async () => {
    const w = await installed();
    const other = await world();
    const r = await cli(["catalog", "update", "--from", other.server.url, "--trusted-root", w.root1], w.home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /timestamp metadata carries 0 valid signature\(s\) of trusted keys, 1 required/);
    await assertStillV1(w);
    // Without --trusted-root the package's pinned root is the anchor, and it does not know these keys.
    const pinned = await cli(["catalog", "update", "--from", other.server.url], w.home);
    assert.equal(pinned.code, 2);
    assert.match(pinned.stderr, /timestamp metadata carries 0 valid signature\(s\) of trusted keys, 1 required/);
    await assertStillV1(w);
  });

  it("a signed but older catalog is refused unless --allow-downgrade", async () => {
    const w = await installed();
    await w.publish("2020.01.01", "2020-01-01");
    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /offers catalog 2020\.01\.01 \(2020-01-01\), older than the installed .*--allow-downgrade/);
    await assertStillV1(w);
    const forced = await w.update(["--allow-downgrade"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await status(w.home)).version, "2020.01.01");
  });

  it("an unreachable repository fails cleanly", async () => {
    const w = await installed();
    await w.server.close();
    const r = await w.update();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:\d+\/metadata\/.*ECONNREFUSED/);
    const s = await status(w.home);
    assert.equal(s.digest, w.v1.digest);
  });
});

