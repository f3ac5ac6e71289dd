/**
 * Signed clean-as-of attestations, end to end on SQLite and PostgreSQL: a real server, the real
 * `ictsguard attest`, `attest verify` and `server signing-key` commands, and openssl for the
 * documented recipe. A finding open at one instant and resolved by a later one is listed in the
 * statement before and not after (read from history, not current state); a byte changed makes
 * the statement invalid; after a rotation an old statement still verifies with the old public
 * key, and not with the new one; a key limited to one site cannot get another site's statement.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openFleet } from "../src/fleet/index.js";
import { LOCAL_ADMIN, type Fleet } from "../src/fleet/types.js";
import type { Observation } from "../src/model/observation.js";
import { startServer, type RunningServer } from "../src/server/index.js";
import { BACKENDS, api, createTestStore, runCli, type TestStore } from "../src/testing/fleet-server.js";
import { tempDir } from "../src/testing/temp.js";

const T0 = Date.parse("2025-03-03T00:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const KASPERSKY: Observation = { kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1", source: { file: "programs.csv", line: 2 } };
const FIREFOX: Observation = { kind: "software", name: "Mozilla Firefox", vendor: "Mozilla", version: "128.0", source: { file: "programs.csv", line: 2 } };

type Envelope = { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] };
const statementOf = (e: Envelope) => JSON.parse(Buffer.from(e.payload, "base64").toString("utf8"));

for (const backend of BACKENDS) {
  describe(`attestations (${backend})`, () => {
    let store: TestStore;
    let fleet: Fleet;
    let server: RunningServer;
    let now = at(72);
    let adminKey: string;
    let limitedKey: string;
    const dir = tempDir("ictsguard-attest-");
    const cli = (args: string[]) => runCli(args, { env: { ICTSGUARD_HOME: store.home } });

    before(async () => {
      store = await createTestStore(backend);
      fleet = await openFleet({ db: store.db, home: store.home, clock: () => new Date(now) });
      server = await startServer({ fleet, listen: { host: "127.0.0.1", port: 0 } });
      for (const name of ["a", "b", "c"]) await fleet.createSite(LOCAL_ADMIN, { name, profile: "business" });
      adminKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "admin" })).token;
      limitedKey = (await fleet.createApiKey(LOCAL_ADMIN, { role: "viewer", sites: ["b"] })).token;
      const upload = (site: string, host: string, obs: Observation, hours: number) =>
        fleet.ingest({ principal: LOCAL_ADMIN, site, host, observations: [obs], source: { name: "programs" }, receivedAt: at(hours) });
      now = at(0);
      await fleet.importAssets(LOCAL_ADMIN, { site: "a", csv: "name\nws-1\nws-2\nws-ghost\n" });
      await upload("a", "ws-1", KASPERSKY, 0); // open at T0
      await upload("a", "ws-2", FIREFOX, 0);
      await upload("a", "ws-1", FIREFOX, 24); // removal-pending
      await upload("a", "ws-1", FIREFOX, 48); // resolved (second clean inventory)
      // site c: a finding excepted from T0+1h
      await upload("c", "pc-9", KASPERSKY, 0);
      now = at(1);
      const f = (await fleet.listFindings(LOCAL_ADMIN, { site: "c" })).items[0]!;
      await fleet.createException(LOCAL_ADMIN, { findingId: f.id, owner: "CISO office", reason: "FAR 52.204-25(d) waiver requested; removal scheduled", expiresAt: at(24 * 30) });
      now = at(72);
      assert.equal((await fleet.listFindings(LOCAL_ADMIN, { site: "a", state: "resolved" })).items.length, 1, "ws-1's finding is resolved now");
    });

    after(async () => {
      await server?.close();
      await store?.drop();
    });

    it("lists a finding at an instant before it was resolved, and none after (from history)", async () => {
      const before = await api(server.url, `/api/v1/attestations?site=a&at=${at(12)}`, { key: adminKey });
      assert.equal(before.status, 200, JSON.stringify(before.body));
      assert.equal(before.body.payloadType, "application/vnd.ictsguard.attestation+json");
      const s1 = statementOf(before.body);
      assert.equal(s1.type, "ictsguard.attestation/clean-as-of/v1");
      assert.deepEqual([s1.site.name, s1.at, s1.summary.clean, s1.summary.openFindings], ["a", at(12), false, 1]);
      assert.equal(s1.findings.length, 1);
      assert.deepEqual([s1.findings[0].host, s1.findings[0].vendor, s1.findings[0].state, s1.findings[0].since], ["ws-1", "kaspersky", "open", at(0)]);
      assert.equal(s1.exceptions, "none");
      assert.deepEqual(s1.coverage.reported.map((h: { name: string }) => h.name), ["ws-1", "ws-2"]);
      assert.deepEqual(s1.coverage.neverReported, [{ name: "ws-ghost" }]);
      assert.equal(s1.catalog.digest, fleet.catalog.catalog.digest);
      assert.equal(s1.requestedBy.length, 16, "an API key's id");

      const between = statementOf((await api(server.url, `/api/v1/attestations?site=a&at=${at(30)}`, { key: adminKey })).body);
      assert.deepEqual([between.summary.clean, between.findings[0]?.state], [false, "removal-pending"]);

      // silence as of the instant: ws-1 reported at +24 h (it reported again later), ws-2 last at T0
      const window = statementOf((await api(server.url, `/api/v1/attestations?site=a&at=${at(30)}&silentSince=${at(12)}`, { key: adminKey })).body);
      assert.deepEqual(window.coverage.reported, [{ id: window.coverage.reported[0].id, name: "ws-1", lastSeen: at(24) }]);
      assert.deepEqual(window.coverage.silent.map((h: { name: string; lastSeen: string }) => [h.name, h.lastSeen]), [["ws-2", at(0)]]);
      assert.match(window.summary.text, /silent: 1 host seen before/);

      const after = statementOf((await api(server.url, `/api/v1/attestations?site=a&at=${at(49)}`, { key: adminKey })).body);
      assert.equal(after.findings, "none");
      assert.equal(after.summary.clean, true);
      assert.equal(after.summary.openFindings, 0);
      assert.match(after.summary.text, /^No finding was open on the 2 hosts of site a/);

      // before anything was uploaded: no host, nothing known
      const empty = statementOf((await api(server.url, `/api/v1/attestations?site=a&at=${at(-1)}`, { key: adminKey })).body);
      assert.deepEqual([empty.coverage.reported, empty.findings, empty.summary.clean], [[], "none", false], "nothing reported is not clean");
      assert.match(empty.summary.text, /nothing is known/);
      assert.deepEqual(empty.coverage.neverReported, [], "the asset list was imported at T0");
      // the future is refused
      const future = await api(server.url, `/api/v1/attestations?site=a&at=${at(100)}`, { key: adminKey });
      assert.equal(future.status, 400);
    });

    it("lists the exceptions in force and the excepted findings apart from the open ones", async () => {
      const pre = statementOf((await api(server.url, `/api/v1/attestations?site=c&at=${at(0.5)}`, { key: adminKey })).body);
      assert.deepEqual([pre.summary.openFindings, pre.exceptions], [1, "none"]);
      const during = statementOf((await api(server.url, `/api/v1/attestations?site=c&at=${at(2)}`, { key: adminKey })).body);
      assert.deepEqual([during.summary.clean, during.summary.openFindings, during.summary.exceptedFindings], [true, 0, 1]);
      assert.equal(during.findings[0].state, "excepted");
      assert.equal(during.exceptions.length, 1);
      assert.equal(during.exceptions[0].owner, "CISO office");
      assert.match(during.summary.text, /1 excepted/);
    });

    it("a key limited to one site cannot get another site's statement", async () => {
      assert.equal((await api(server.url, "/api/v1/attestations?site=a", { key: limitedKey })).status, 403);
      const own = await api(server.url, "/api/v1/attestations", { key: limitedKey });
      assert.equal(own.status, 200, "its own site by default");
      assert.equal(statementOf(own.body).site.name, "b");
      assert.equal(statementOf(own.body).requestedBy.length, 16);
      await assert.rejects(fleet.attest({ keyId: "x", role: "viewer", sites: ["b"] }, { site: "a" }), /no site "a"/);
      const out = join(dir, `other-${backend}.json`);
      const r = await cli(["attest", "--server", server.url, "--api-key", limitedKey, "--site", "a", "--output-file", out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /HTTP 403 forbidden/);
    });

    it("fetches with attest, verifies offline (pinned or not), fails on one changed byte, and verifies with openssl", async () => {
      const file = join(dir, `a-${backend}.json`);
      const got = await cli(["attest", "--server", server.url, "--api-key", adminKey, "--site", "a", "--at", at(12), "--output-file", file]);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stderr, /site a at .*: NOT clean: 1 open finding/);
      const keyPem = join(dir, `key-${backend}.pem`);
      const shown = await cli(["server", "signing-key", "show", "--db", store.db, "-o", "pem"]);
      assert.equal(shown.code, 0, shown.stderr);
      writeFileSync(keyPem, shown.stdout);
      const keyId = (await api(server.url, "/api/v1/signing-keys", { key: adminKey })).body.items[0].keyId as string;
      assert.match(keyId, /^[0-9a-f]{64}$/);
      // the key id is SHA-256 of the raw public key, as docs/server.md says openssl computes it
      const raw = execFileSync("openssl", ["pkey", "-pubin", "-in", keyPem, "-outform", "DER"]).subarray(-32);
      assert.equal((await import("node:crypto")).createHash("sha256").update(raw).digest("hex"), keyId);

      const unpinned = await cli(["attest", "verify", file]);
      assert.equal(unpinned.code, 0, unpinned.stdout + unpinned.stderr);
      assert.ok(unpinned.stdout.includes(`signed by key ${keyId}`), unpinned.stdout);
      assert.match(unpinned.stdout, /NOT pinned/);
      const pinned = await cli(["attest", "verify", file, "--trusted-key", keyPem]);
      assert.equal(pinned.code, 0, pinned.stdout);
      assert.match(pinned.stdout, /key: pinned/);
      assert.match(pinned.stdout, /NOT clean: 1 open finding/);

      // one byte of the statement changed (its payload decoded, one letter, encoded again)
      const envelope = JSON.parse(readFileSync(file, "utf8")) as Envelope;
      const body = Buffer.from(envelope.payload, "base64");
      const i = body.indexOf('"ws-1"');
      body[i + 4] = "9".charCodeAt(0);
      const tampered = join(dir, `tampered-${backend}.json`);
      writeFileSync(tampered, JSON.stringify({ ...envelope, payload: body.toString("base64") }));
      for (const args of [[tampered], [tampered, "--trusted-key", keyPem]]) {
        const r = await cli(["attest", "verify", ...args]);
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stdout, /INVALID: .*does not match the payload/);
      }
      // one byte of the file itself changed (a character of the signature)
      const text = readFileSync(file, "utf8");
      const pos = text.indexOf('"sig": "') + 12;
      const flipped = join(dir, `flipped-${backend}.json`);
      writeFileSync(flipped, text.slice(0, pos) + (text[pos] === "A" ? "B" : "A") + text.slice(pos + 1));
      assert.equal((await cli(["attest", "verify", flipped])).code, 1);
      // a usage error is 2: no such file, a trusted key that is not a key
      assert.equal((await cli(["attest", "verify", join(dir, "missing.json")])).code, 2);
      assert.equal((await cli(["attest", "verify", file, "--trusted-key", file])).code, 2);

      // the documented openssl recipe: PAE bytes, the signature, the PEM key
      const pae = Buffer.concat([Buffer.from(`DSSEv1 ${envelope.payloadType.length} ${envelope.payloadType} ${Buffer.from(envelope.payload, "base64").length} `), Buffer.from(envelope.payload, "base64")]);
      writeFileSync(join(dir, "pae.bin"), pae);
      writeFileSync(join(dir, "sig.bin"), Buffer.from(envelope.signatures[0]!.sig, "base64"));
      const ok = execFileSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", keyPem, "-rawin", "-in", join(dir, "pae.bin"), "-sigfile", join(dir, "sig.bin")]).toString();
      assert.match(ok, /Signature Verified Successfully/);
    });

    it("after a rotation, an old statement verifies with the old public key and not with the new one", async () => {
      const old = join(dir, `old-${backend}.json`);
      assert.equal((await cli(["attest", "--server", server.url, "--api-key", adminKey, "--site", "a", "--output-file", old, "-q"])).code, 0);
      const oldPem = join(dir, `old-${backend}.pem`);
      writeFileSync(oldPem, (await cli(["server", "signing-key", "show", "--db", store.db, "-o", "pem"])).stdout);
      const rotated = await cli(["server", "signing-key", "rotate", "--db", store.db, "-o", "json"]);
      assert.equal(rotated.code, 0, rotated.stderr);
      const { current, retired } = JSON.parse(rotated.stdout) as { current: { keyId: string }; retired: { keyId: string } };
      assert.notEqual(current.keyId, retired.keyId);
      const listed = (await api(server.url, "/api/v1/signing-keys", { key: adminKey })).body.items as { keyId: string; state: string }[];
      assert.deepEqual(listed.map((k) => [k.keyId, k.state]).slice(0, 2), [[current.keyId, "current"], [retired.keyId, "retired"]]);
      const newPem = join(dir, `new-${backend}.pem`);
      writeFileSync(newPem, (await cli(["server", "signing-key", "show", "--db", store.db, "-o", "pem"])).stdout);
      const retiredPem = (await cli(["server", "signing-key", "show", "--db", store.db, "--key-id", retired.keyId, "-o", "pem"])).stdout;
      assert.equal(retiredPem, readFileSync(oldPem, "utf8"), "the retired key's public key is still listed");

      assert.equal((await cli(["attest", "verify", old, "--trusted-key", oldPem])).code, 0);
      const wrongKey = await cli(["attest", "verify", old, "--trusted-key", newPem]);
      assert.equal(wrongKey.code, 1);
      assert.match(wrongKey.stdout, /no signature by key/);
      // a new statement is signed by the new key
      const fresh = join(dir, `fresh-${backend}.json`);
      assert.equal((await cli(["attest", "--server", server.url, "--api-key", adminKey, "--site", "a", "--output-file", fresh, "-q"])).code, 0);
      assert.equal((await cli(["attest", "verify", fresh, "--trusted-key", newPem])).code, 0);
      assert.equal((JSON.parse(readFileSync(fresh, "utf8")) as Envelope).signatures[0]!.keyid, current.keyId);
      const audit = await fleet.listAudit(LOCAL_ADMIN, {});
      assert.ok(audit.items.some((e) => e.action === "signing-key.rotate" && e.keyId === "local"));
      assert.ok(audit.items.some((e) => e.action === "attestation.create" && e.site === "a"));
    });
  });
}
