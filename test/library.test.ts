/**
 * ictsguard as a library, and the stability of finding ids. The scanner is imported by the
 * package's own name, as a user (or the fleet server) imports it, fed observations built in
 * code, and must give the findings `ictsguard scan` gives for an inventory of the same software.
 * The same inventory as a CSV, as an osqueryd results log, and shuffled under another name must
 * give the same ids.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Finding, Observation, ReportDocument } from "../src/index.js";
import { findingId } from "../src/scan/finding-id.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const dir = tempDir("ictsguard-library-");
after(() => rmSync(dir, { recursive: true, force: true }));

/** What three hosts have installed: Kaspersky products in several spellings, and clean software. */
const INVENTORY: { host: string; name: string; vendor: string; version: string }[] = [
  { host: "ws-finance-01", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "12.1.0.506" },
  { host: "ws-finance-01", name: "7-Zip 23.01 (x64)", vendor: "Igor Pavlov", version: "23.01" },
  { host: "ws-finance-01", name: "Kaspersky Security Center Network Agent", vendor: "AO Kaspersky Lab", version: "15.1.0.20748" },
  { host: "WS-HR-02", name: "Антивирус Касперского", vendor: "Лаборатория Касперского", version: "21.3.10.391" },
  { host: "WS-HR-02", name: "Mozilla Firefox (x64 en-US)", vendor: "Mozilla", version: "128.0" },
  { host: "lab-03", name: "Kaspersky Internet Security", vendor: "Kaspersky", version: "21.3.10.391" },
  { host: "lab-03", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", version: "11.4.0.233" },
  { host: "lab-03", name: "Notepad++ (64-bit x64)", vendor: "Notepad++ Team", version: "8.6.9" },
];

const csvOf = (rows: typeof INVENTORY): string =>
  ["host,kind,name,vendor,version", ...rows.map((r) => [r.host, "software", r.name, r.vendor, r.version].map((v) => (v.includes(",") ? `"${v}"` : v)).join(","))].join("\n") + "\n";

/** osqueryd's results log: one `programs` row per line, the host in `hostIdentifier`. */
const osqueryLogOf = (rows: typeof INVENTORY): string =>
  rows
    .map((r, i) =>
      JSON.stringify({
        name: "pack_inventory_programs",
        hostIdentifier: r.host,
        calendarTime: "Mon Dec  2 10:00:00 2024 UTC",
        unixTime: 1733133600 + i,
        epoch: 0,
        counter: i,
        columns: { name: r.name, version: r.version, publisher: r.vendor, install_location: "", identifying_number: "" },
        action: "added",
      }),
    )
    .join("\n") + "\n";

function scan(file: string, ...args: string[]): ReportDocument {
  const r = spawnSync(process.execPath, [BIN, "scan", file, "-o", "json", "--quiet", "--as-of", "2025-01-01", "--profile", "business", ...args], { encoding: "utf8" });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReportDocument;
}

const key = (f: Finding): string => `${f.id} ${f.product} ${f.status} ${f.observation.host ?? "-"}`;

describe("the library: createScanner from the package name", () => {
  it("observations built in code give the findings, with the same ids, that ictsguard scan gives for the same inventory", async () => {
    const lib = await import("ictsguard");
    const catalog = await lib.loadActiveCatalog({ env: { ...process.env, ICTSGUARD_HOME: join(dir, "no-home") }, cwd: dir });
    const made: string[] = [];
    const scanner = lib.createScanner({ catalog, profile: "business", asOf: "2025-01-01", onFinding: (f) => made.push(f.id) });
    for (const r of INVENTORY) {
      const o: Observation = { kind: "software", name: r.name, vendor: r.vendor, version: r.version, host: r.host, source: { file: "agent" } };
      scanner.add(o);
    }
    const fromCode = await scanner.finish();

    const file = join(dir, "inventory.csv");
    writeFileSync(file, csvOf(INVENTORY));
    const fromCli = scan(file);

    assert.equal(fromCode.reportVersion, 2);
    assert.equal(fromCode.summary.observations, INVENTORY.length);
    assert.ok(fromCode.findings.length >= 5, `${fromCode.findings.length} findings`);
    assert.deepEqual(fromCode.findings.map(key), fromCli.findings.map(key));
    // onFinding was called once for each new id, as it was made
    assert.deepEqual([...made].sort(), fromCode.findings.map((f) => f.id).sort());
    // the host key ignores case: WS-HR-02 is the same host however an export spells it
    const hr = fromCode.findings.find((f) => f.observation.host === "WS-HR-02")!;
    assert.equal(hr.id, lib.findingId("ws-hr-02", hr.product));
  });

  it("one finding per host and product: two versions of one product on a host merge, with a count and both sources", async () => {
    const lib = await import("ictsguard");
    const scanner = lib.createScanner({ catalog: await lib.loadActiveCatalog({ env: { ...process.env, ICTSGUARD_HOME: join(dir, "no-home") }, cwd: dir }), profile: "business", asOf: "2025-01-01" });
    scanner.add({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "h1", source: { file: "a.csv", line: 2 } });
    scanner.add({ kind: "service", name: "AVP", host: "H1", path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\avp.exe", source: { file: "b.json", record: 9 } });
    scanner.add({ kind: "software", name: "Kaspersky Endpoint Security for Windows", vendor: "AO Kaspersky Lab", host: "h2", source: { file: "a.csv", line: 3 } });
    const doc = await scanner.finish();
    const h1 = doc.findings.filter((f) => f.observation.host?.toLowerCase() === "h1");
    assert.equal(h1.length, 1, JSON.stringify(doc.findings));
    assert.equal(h1[0]!.product, "kaspersky-endpoint-security");
    assert.equal(h1[0]!.count, 2);
    assert.deepEqual([h1[0]!.source.file, h1[0]!.lastSource?.file], ["a.csv", "b.json"]);
    assert.ok(h1[0]!.evidence.some((e) => e.matcher === "service"), "the service's evidence joins the program's");
    assert.equal(doc.findings.filter((f) => f.observation.host === "h2").length, 1);
    await assert.rejects(() => scanner.finish(), /finished already/);
  });
});

describe("finding ids are stable", () => {
  it("the same inventory as CSV, as an osqueryd results log, and shuffled under another name gives the same ids", () => {
    const csv = join(dir, "fleet.csv");
    writeFileSync(csv, csvOf(INVENTORY));
    const log = join(dir, "osqueryd.results.log");
    writeFileSync(log, osqueryLogOf(INVENTORY));
    // reversed order (a permutation that moves every row), and a new file name
    const shuffled = join(dir, "renamed-export-2024-12.csv");
    writeFileSync(shuffled, csvOf([...INVENTORY].reverse()));

    const ids = (doc: ReportDocument): string[] => doc.findings.map((f) => `${f.id} ${f.product}`).sort();
    const base = scan(csv);
    assert.ok(base.findings.length >= 5);
    assert.deepEqual(ids(scan(log)), ids(base), "osqueryd results log");
    assert.deepEqual(ids(scan(shuffled)), ids(base), "shuffled and renamed");
    // and the id is the documented recipe: host key and product id, nothing else
    for (const f of base.findings) assert.equal(f.id, findingId(f.observation.host!.trim().toLowerCase(), f.product));
  });

  it("an SBOM without hosts is keyed on its own serial number, the same in CycloneDX JSON and XML", () => {
    const serial = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79";
    const json = join(dir, "app.cdx.json");
    writeFileSync(
      json,
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.5",
        serialNumber: serial,
        version: 1,
        components: [{ type: "application", name: "Kaspersky Anti-Virus SDK", version: "8.9.2.595", supplier: { name: "AO Kaspersky Lab" } }],
      }),
    );
    const xml = join(dir, "app.cdx.xml");
    writeFileSync(
      xml,
      `<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="${serial}" version="1">\n  <components>\n    <component type="application">\n      <supplier><name>AO Kaspersky Lab</name></supplier>\n      <name>Kaspersky Anti-Virus SDK</name>\n      <version>8.9.2.595</version>\n    </component>\n  </components>\n</bom>\n`,
    );
    const a = scan(json).findings;
    const b = scan(xml).findings;
    assert.equal(a.length, 1);
    assert.deepEqual(b.map((f) => f.id), a.map((f) => f.id));
    assert.equal(a[0]!.source.document, serial);
  });
});
