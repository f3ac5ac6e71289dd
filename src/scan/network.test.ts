/**
 * Network evidence through the scanner, with the bundled catalog and the real matcher: one
 * finding per client and vendor with counts and first/last seen, how the product is named,
 * browsing apart, and a finding id that does not depend on the log file.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { createResolver } from "../report/document.js";
import { findingId } from "./finding-id.js";
import { createScanner } from "./scanner.js";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalogOrThrow();
});

let line = 0;
const lookup = (host: string | undefined, name: string, seenAt?: string, file = "dns.log"): Observation => ({
  kind: "domain",
  name,
  ...(host ? { host } : {}),
  ...(seenAt ? { seenAt } : {}),
  source: { file, line: ++line },
});

async function aggregate(observations: Observation[]) {
  const scanner = createScanner({ catalog, profile: "business", asOf: "2025-01-01" });
  for (const o of observations) scanner.add(o);
  const doc = await scanner.finish();
  const resolve = createResolver(doc);
  const all = doc.findings.map((f) => resolve(f));
  return { findings: all.filter((f) => f.network), informational: doc.informational ?? [], passedThrough: all.filter((f) => !f.network).map((f) => f.observation) };
}

describe("network aggregation", () => {
  it("folds the lookups of each client into one finding with per-domain counts, first and last seen", async () => {
    const { findings, informational, passedThrough } = await aggregate([
      lookup("10.0.0.5", "s01.upd.kaspersky.com", "2024-10-01T10:00:00.000Z"),
      lookup("10.0.0.7", "ksn-url-geo.kaspersky-labs.com", "2024-10-01T09:00:00.000Z"),
      lookup("10.0.0.5", "S01.UPD.kaspersky.com.", "2024-10-01T08:00:00.000Z"), // earlier, and written differently
      lookup("10.0.0.5", "dc1.ksn.kaspersky-labs.com", "2024-10-02T12:00:00.000Z"),
      lookup("10.0.0.5", "www.example.com", "2024-10-02T13:00:00.000Z"),
    ]);
    assert.equal(passedThrough.length, 0);
    assert.equal(informational.length, 0);
    assert.equal(findings.length, 2);
    const a = findings.find((f) => f.observation.host === "10.0.0.5");
    const b = findings.find((f) => f.observation.host === "10.0.0.7");
    assert.equal(a!.observation.host, "10.0.0.5");
    assert.deepEqual(
      a!.network!.domains.map((d) => [d.domain, d.product, d.role, d.count, d.firstSeen, d.lastSeen]),
      [
        ["s01.upd.kaspersky.com", "kaspersky-update-service", "update", 2, "2024-10-01T08:00:00.000Z", "2024-10-01T10:00:00.000Z"],
        ["dc1.ksn.kaspersky-labs.com", "kaspersky-security-network", "telemetry", 1, "2024-10-02T12:00:00.000Z", "2024-10-02T12:00:00.000Z"],
      ],
    );
    assert.equal(a!.network!.total, 3);
    assert.equal(a!.network!.firstSeen, "2024-10-01T08:00:00.000Z");
    assert.equal(a!.network!.lastSeen, "2024-10-02T12:00:00.000Z");
    assert.equal(a!.source.line, a!.network!.domains[0]!.source.line);
    assert.equal(b!.observation.host, "10.0.0.7");
    assert.equal(b!.network!.total, 1);
  });

  it("names the product when all domains are one product's, the vendor's catch-all when several", async () => {
    const { findings } = await aggregate([
      lookup("ws-1", "ksn-url-geo.kaspersky-labs.com"),
      lookup("ws-1", "dc1.ksn.kaspersky-labs.com"),
      lookup("ws-1", "crl.kaspersky.com"), // catch-all domains do not make a second product
      lookup("ws-2", "ksn-url-geo.kaspersky-labs.com"),
      lookup("ws-2", "s05.upd.kaspersky.com"),
    ]);
    const byHost = new Map(findings.map((f) => [f.observation.host, f]));
    assert.equal(byHost.get("ws-1")!.product.id, "kaspersky-security-network");
    assert.equal(byHost.get("ws-2")!.product.id, "kaspersky-unidentified");
    assert.match(byHost.get("ws-2")!.reason, /^Network evidence: ws-2 contacted 2 Kaspersky hosts \(telemetry, update\) 2 times, so Kaspersky software runs there\. /);
    // both domains' evidence is kept, with their roles
    assert.deepEqual(byHost.get("ws-2")!.evidence.map((e) => e.role).sort(), ["telemetry", "update"]);
    assert.equal(byHost.get("ws-2")!.status, "unsupported");
  });

  it("browsing is informational, apart from the same client's product traffic; never a finding", async () => {
    const { findings, informational } = await aggregate([
      lookup("10.0.0.9", "www.kaspersky.com", "2024-10-01T10:00:00Z"),
      lookup("10.0.0.9", "securelist.com", "2024-10-01T10:01:00Z"),
      lookup("10.0.0.9", "www.kaspersky.com", "2024-10-01T10:02:00Z"),
      lookup("10.0.0.9", "opentip.kaspersky.com", "2024-10-01T10:03:00Z"),
      lookup("10.0.0.5", "s01.upd.kaspersky.com"),
      lookup("10.0.0.5", "support.kaspersky.com"),
    ]);
    assert.deepEqual(findings.map((f) => f.observation.host), ["10.0.0.5"]);
    assert.deepEqual(findings[0]!.network!.domains.map((d) => d.domain), ["s01.upd.kaspersky.com"]);
    assert.deepEqual(
      informational.map((i) => [i.network.client, i.network.total, i.network.domains.map((d) => `${d.domain}×${d.count}`).join(" ")]),
      [
        ["10.0.0.5", 1, "support.kaspersky.com×1"],
        ["10.0.0.9", 4, "www.kaspersky.com×2 securelist.com×1 opentip.kaspersky.com×1"],
      ],
    );
    assert.match(informational[1]!.reason, /does not show that its software is installed/);
  });

  it("a vendor host of unknown service is left for review, and says it may be browsing", async () => {
    const { findings } = await aggregate([lookup("10.0.0.5", "blog.kaspersky.com")]);
    assert.equal(findings[0]!.status, "review");
    assert.equal(findings[0]!.confidence, 0.6);
    assert.match(findings[0]!.reason, /whose service is not known \(browsing or product traffic\)/);
  });

  it("look-alike domains never reach it; domain evidence without a client stays a finding of its own", async () => {
    const { findings, passedThrough } = await aggregate([
      lookup("10.0.0.5", "notkaspersky.com"),
      lookup("10.0.0.5", "kaspersky.com.example.net"),
      lookup(undefined, "s01.upd.kaspersky.com"),
    ]);
    assert.equal(findings.length, 0);
    assert.deepEqual(passedThrough.map((o) => o.name), ["s01.upd.kaspersky.com"]);
  });

  it("the finding id depends on the client and the product only: the same across log files and rotations", async () => {
    const one = (await aggregate([lookup("10.0.0.5", "s01.upd.kaspersky.com", "2024-10-01T10:00:00Z", "dns.log")])).findings[0]!;
    const two = (await aggregate([lookup("10.0.0.5", "s02.upd.kaspersky.com", "2024-11-01T10:00:00Z", "dns.log.1.gz")])).findings[0]!;
    const other = (await aggregate([lookup("10.0.0.5", "dc1.ksn.kaspersky-labs.com", undefined, "dns.log")])).findings[0]!;
    assert.equal(one.product.id, two.product.id);
    assert.equal(one.id, two.id);
    assert.equal(one.id, findingId("10.0.0.5", one.product.id));
    assert.notEqual(other.id, one.id, "another product on the same client is another finding");
    assert.notEqual(one.id, findingId("10.0.0.6", one.product.id));
  });
});
