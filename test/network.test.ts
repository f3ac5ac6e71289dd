/**
 * End-to-end tests of network evidence: the real `ictsguard` command over DNS, proxy and IDS
 * logs in each supported format. Two clients that resolve Kaspersky update and KSN hosts give
 * exactly one finding each, with per-domain counts and first and last seen; a client that only
 * reads Kaspersky's web sites is informational; the real public samples give nothing; broken
 * lines are located errors while the rest is still scanned.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import type { Finding, ReportDocument } from "../src/model/finding.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
const readerData = (reader: string, file: string) => repoPath("src/readers", reader, "testdata", file);

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: tempDir("ictsguard-cwd-"),
    input: "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function scan(args: string[]): { code: number; doc: ReportDocument; stderr: string } {
  const r = run(["scan", "-o", "json", "--quiet", "--as-of", "2025-01-01", ...args]);
  assert.ok(r.stdout.startsWith("{"), `expected a JSON report, got: ${r.stdout.slice(0, 300)} ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) as ReportDocument, stderr: r.stderr };
}

/** A dnsmasq log has no year: a copy last written on 3 Oct 2024 puts its lines in 2024. */
function dnsmasqCopy(file: string): string {
  const path = join(tempDir("ictsguard-dnsmasq-"), "pihole.log");
  copyFileSync(readerData("dnsmasq", file), path);
  const mtime = new Date(2024, 9, 3, 12, 0, 0);
  utimesSync(path, mtime, mtime);
  return path;
}

/** The same lookups written by each tool: [label, reader, input]. */
const FORMATS: [string, string, () => string][] = [
  ["Zeek dns.log (TSV)", "network/zeek", () => readerData("zeek", "kaspersky-dns.log")],
  ["Zeek dns.log (JSON)", "network/zeek", () => readerData("zeek", "kaspersky-dns.json")],
  ["Suricata eve.json (DNS v3)", "network/suricata-eve", () => readerData("suricata-eve", "kaspersky-eve-v3.json")],
  ["Suricata eve.json (DNS v2)", "network/suricata-eve", () => readerData("suricata-eve", "kaspersky-eve-v2.json")],
  ["Suricata eve.json (DNS v1)", "network/suricata-eve", () => readerData("suricata-eve", "kaspersky-eve-v1.json")],
  ["dnsmasq / Pi-hole query log", "network/dnsmasq", () => dnsmasqCopy("kaspersky-pihole.log")],
  ["Squid access.log", "network/squid", () => readerData("squid", "kaspersky-access.log")],
  ["Windows DNS debug log", "network/windows-dns", () => readerData("windows-dns", "kaspersky-dns-en-us.log")],
];

const summary = (f: Finding) => ({
  client: f.network!.client,
  total: f.network!.total,
  first: f.network!.firstSeen!.slice(0, 19),
  last: f.network!.lastSeen!.slice(0, 19),
  domains: f.network!.domains.map((d) => [d.domain, d.role, d.count]),
});

describe("network logs through the CLI: one finding per client", () => {
  for (const [label, reader, input] of FORMATS) {
    it(`${label}: two clients resolving update and KSN hosts give exactly two findings, with counts and first/last seen`, () => {
      const path = input();
      const { code, doc } = scan([path]);
      assert.equal(code, 1, "findings over the default threshold");
      assert.deepEqual(doc.errors, []);
      assert.equal(doc.findings.length, 2, doc.findings.map((f) => `${f.observation.host} ${f.observation.name}`).join("; "));
      for (const f of doc.findings) assert.equal(f.source.reader, reader);
      const byClient = new Map(doc.findings.map((f) => [f.network?.client, f]));
      const a = byClient.get("10.20.30.41")!;
      const b = byClient.get("10.20.30.57")!;
      assert.deepEqual(summary(a), {
        client: "10.20.30.41",
        total: 7,
        first: "2024-10-01T08:00:00",
        last: "2024-10-02T08:00:00",
        domains: [
          ["s01.upd.kaspersky.com", "update", 3],
          ["ksn-file-geo.kaspersky-labs.com", "telemetry", 2],
          ["dnl-03.geo.kaspersky.com", "update", 1],
          ["activation-v2.kaspersky.com", "activation", 1],
        ],
      });
      assert.deepEqual(summary(b), {
        client: "10.20.30.57",
        total: 3,
        first: "2024-10-01T08:00:30",
        last: "2024-10-01T10:01:00",
        domains: [
          ["ksn-url-geo.kaspersky-labs.com", "telemetry", 2],
          ["s14.upd.kaspersky.com", "update", 1],
        ],
      });
      for (const f of [a, b]) {
        assert.equal(f.vendor, "kaspersky");
        assert.equal(f.observation.host, f.network!.client);
        // KSN and update hosts of one client: the vendor's catch-all names the product
        assert.equal(f.product, "kaspersky-unidentified");
        assert.equal(f.status, "unsupported");
        assert.match(f.reason, /^Network evidence: 10\.20\.30\.\d+ contacted \d Kaspersky hosts \(.*telemetry.*\) \d times/);
        assert.ok(f.rules.some((r) => r.id === "us-bis-icts-fd-kaspersky-2024" && r.effect === "ends-updates"));
      }
      // browsing is not a finding, but is reported for information
      assert.deepEqual(
        (doc.informational ?? []).map((i) => [i.network.client, i.network.total, i.network.domains.map((d) => d.domain).sort()]),
        [["10.20.30.99", 3, ["securelist.com", "www.kaspersky.com"]]],
      );
      assert.equal(doc.summary.informational, 1);
      // look-alikes never match
      assert.ok(!JSON.stringify(doc.findings).includes("notkaspersky.com"));
      assert.ok(!JSON.stringify(doc.findings).includes("kaspersky.com.example.net"));
      assert.ok(doc.summary.lookalikes >= 2);
    });
  }

  it("the finding id of a client is the same in every format and across runs", () => {
    const ids = FORMATS.map(([, , input]) => {
      const { doc } = scan([input()]);
      return doc.findings.map((f) => `${f.network!.client}=${f.id}`).sort().join(",");
    });
    assert.equal(new Set(ids).size, 1, ids.join("\n"));
  });

  it("several logs of one network fold into one finding per client across files", () => {
    const { doc } = scan([readerData("zeek", "kaspersky-dns.log"), readerData("squid", "kaspersky-access.log")]);
    assert.equal(doc.findings.length, 2);
    const a = doc.findings.find((f) => f.network!.client === "10.20.30.41")!;
    assert.equal(a.network!.total, 14);
    assert.equal(a.network!.domains.find((d) => d.domain === "s01.upd.kaspersky.com")!.count, 6);
    // each domain remembers where it was first seen: the first input read
    assert.ok(a.network!.domains.every((d) => d.source.file === readerData("zeek", "kaspersky-dns.log")));
  });

  it("browsing is informational: never a finding, so a log of browsing only passes even with --fail-on review", () => {
    const dir = tempDir("ictsguard-browsing-");
    const path = join(dir, "dns.json");
    const lookup = (ts: number, query: string) => JSON.stringify({ _path: "dns", ts, "id.orig_h": "10.20.30.99", "id.resp_h": "10.20.0.53", query, qtype_name: "A" });
    writeFileSync(path, [lookup(1727769645, "www.kaspersky.com"), lookup(1727769690, "securelist.com"), lookup(1727770500, "support.kaspersky.com")].join("\n") + "\n");
    const only = scan([path, "--fail-on", "review", "--profile", "federal-agency"]);
    assert.equal(only.code, 0);
    assert.deepEqual(only.doc.findings, []);
    assert.equal(only.doc.informational![0]!.network.total, 3);

    const { doc } = scan([readerData("zeek", "kaspersky-dns.log"), "--fail-on", "review", "--profile", "federal-agency"]);
    assert.deepEqual(doc.findings.filter((f) => f.network?.client === "10.20.30.99"), []);
    const table = run(["scan", readerData("zeek", "kaspersky-dns.log"), "--as-of", "2025-01-01", "-o", "table"]);
    assert.match(table.stdout, /Informational, not findings \(1 client visited vendors' web sites: browsing, not software\):\n  10\.20\.30\.99 · Kaspersky: 3 lookups/);
    assert.match(table.stdout, /Client 10\.20\.30\.41: 7 lookups/);
  });

  it("csv output carries the client, lookups, first/last seen and domains; browsing is an `informational` row", () => {
    const r = run(["scan", readerData("squid", "kaspersky-access.log"), "--as-of", "2025-01-01", "-o", "csv", "--quiet"]);
    assert.equal(r.code, 1);
    const [header, ...rows] = r.stdout.trim().split("\n");
    assert.match(header!, /,relation,client,lookups,first_seen,last_seen,domains$/);
    assert.equal(rows.length, 3);
    assert.ok(rows.some((l) => l.startsWith("informational,Kaspersky,kaspersky-corporate-web,")));
    assert.ok(rows.some((l) => /,10\.20\.30\.41,7,2024-10-01T08:00:00\.000Z,2024-10-02T08:00:00\.207Z,s01\.upd\.kaspersky\.com \(update\) ×3 /.test(l)));
  });
});

describe("network logs through the CLI: rotated, piped and excepted", () => {
  it("a gzipped, rotated log is read like the plain one", () => {
    const dir = tempDir("ictsguard-gz-");
    const gz = join(dir, "dns.2024-10-01.log.gz");
    writeFileSync(gz, gzipSync(readFileSync(readerData("zeek", "kaspersky-dns.log"))));
    const plain = scan([readerData("zeek", "kaspersky-dns.log")]).doc;
    const { doc } = scan([gz]);
    assert.deepEqual(doc.findings.map(summary), plain.findings.map(summary));
    assert.deepEqual(doc.findings.map((f) => f.id), plain.findings.map((f) => f.id));
  });

  it("a query log on standard input (its year taken from today)", () => {
    const r = spawnSync(process.execPath, [BIN, "scan", "-", "-o", "json", "--quiet", "--as-of", "2025-01-01"], {
      cwd: tempDir("ictsguard-cwd-"),
      input: readFileSync(readerData("dnsmasq", "kaspersky-pihole.log")),
      encoding: "utf8",
    });
    const doc = JSON.parse(r.stdout) as ReportDocument;
    assert.equal(doc.findings.length, 2);
    assert.equal(doc.findings[0]!.source.reader, "network/dnsmasq");
    assert.match(doc.findings[0]!.network!.firstSeen!, /^\d{4}-10-01T08:00:\d\d$/);
  });

  it("an exception for one client suppresses that client's finding only", () => {
    const cwd = tempDir("ictsguard-cwd-");
    writeFileSync(
      join(cwd, "ictsguard.yaml"),
      "exceptions:\n  - host: 10.20.30.57\n    vendor: kaspersky\n    reason: Malware-analysis VM, isolated; ticket SEC-77\n    author: secops@example.org\n    expires: 2099-12-31\n",
    );
    const r = spawnSync(process.execPath, [BIN, "scan", readerData("zeek", "kaspersky-dns.log"), "-o", "json", "--quiet", "--as-of", "2025-01-01"], { cwd, encoding: "utf8" });
    const doc = JSON.parse(r.stdout) as ReportDocument;
    assert.deepEqual(doc.findings.map((f) => f.network!.client), ["10.20.30.41"]);
    assert.deepEqual(doc.suppressed.map((f) => [f.network!.client, f.exception.reason]), [["10.20.30.57", "Malware-analysis VM, isolated; ticket SEC-77"]]);
  });
});

describe("network logs through the CLI: real samples and broken lines", () => {
  it("the real public samples (Zeek, Suricata, Pi-hole, Squid) are detected and give no finding: exit 0", () => {
    const inputs = [
      readerData("zeek", "wrccdc-dns.log"),
      readerData("zeek", "wrccdc-dns.json"),
      readerData("zeek", "zeek-repo-dns.log"),
      readerData("suricata-eve", "fever-jsonparse_eve.json"),
      readerData("dnsmasq", "pihole-logfile-reader.log"),
      readerData("squid", "plaso-squid_access.log"),
    ];
    const { code, doc } = scan(inputs);
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.findings, []);
    assert.deepEqual(doc.informational, []);
    assert.equal(code, 0);
    assert.equal(doc.summary.observations, 3000 + 1000 + 1 + 2 + 0 + 8);
  });

  it("a file with no record of a forced network format is an input error (exit 2), like every other format's", () => {
    const inventory = repoPath("examples/fleet/windows-software.csv");
    const cases: [string, string, string][] = [
      ["network/windows-dns", inventory, "windns/empty"],
      ["network/windows-dns", readerData("windows-dns", "no-packets.log"), "windns/empty"],
      ["network/dnsmasq", readerData("dnsmasq", "no-records.log"), "dnsmasq/empty"],
      ["network/squid", readerData("squid", "no-records.log"), "squid/empty"],
      ["network/zeek", readerData("zeek", "no-records.log"), "zeek/empty"],
    ];
    for (const [format, file, code] of cases) {
      const r = scan([file, "-f", format]);
      assert.equal(r.code, 2, `${format} ${file}`);
      assert.deepEqual(r.doc.errors.filter((e) => e.code === code).map((e) => e.source.file), [file], `${format} ${file}`);
    }
  });

  it("malformed lines in each format: located errors (file:line, what was expected) on stderr, exit 2, and the good lines still found", () => {
    const broken = [
      readerData("zeek", "malformed.log"),
      readerData("suricata-eve", "malformed.json"),
      readerData("squid", "malformed.log"),
      readerData("windows-dns", "malformed.log"),
      dnsmasqCopy("malformed.log"),
    ];
    const r = run(["scan", "-o", "json", "--as-of", "2025-01-01", ...broken]);
    assert.equal(r.code, 2, "an input error wins over findings");
    const doc = JSON.parse(r.stdout) as ReportDocument;
    const errors = doc.errors.filter((e) => e.severity === "error");
    assert.deepEqual(
      errors.map((e) => [e.code, e.source.line]).sort(),
      [
        ["dnsmasq/line", 2],
        ["dnsmasq/query", 3],
        ["eve/event", 3],
        ["eve/event", 4],
        ["eve/json", 2],
        ["squid/line", 2],
        ["squid/line", 5],
        ["windns/packet", 36],
        ["zeek/fields", 10],
      ].sort(),
    );
    assert.match(r.stderr, /malformed\.log:10: expected 21 fields separated by tabs, as the #fields header at line 7 names; found 4/);
    assert.match(r.stderr, /malformed\.log:36: expected a PACKET line/);
    // the good lines of every file were scanned: client 10.20.30.41 is one finding across all five
    assert.equal(doc.findings.length, 1);
    const hosts = doc.findings[0]!.network!.domains.map((d) => d.domain);
    for (const h of ["s04.upd.kaspersky.com", "s01.upd.kaspersky.com", "dnl-07.geo.kaspersky.com", "s06.upd.kaspersky.com", "dnl-03.geo.kaspersky.com"]) assert.ok(hosts.includes(h), h);
  });
});
