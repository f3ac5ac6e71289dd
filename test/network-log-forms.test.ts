/**
 * Issue 12, class 1: DNS names in the forms logs write them (upper case, mixed case, the root's
 * trailing dot, punycode and Unicode for internationalized names) match the catalog's domains in
 * every network reader: the eight log variants of test/network.test.ts, each rewritten into each
 * form. The real fixtures are rewritten in a temporary folder, read by their reader, and every
 * Kaspersky host must still be matched to the same catalog domain as in the original spelling.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Catalog } from "../src/model/catalog.js";
import { buildCatalogIndex, matchObservation, type CatalogIndex } from "../src/match/index.js";
import { NETWORK_READERS } from "../src/readers/network-registry.js";
import type { Reader } from "../src/readers/types.js";
import { readAll, repoPath } from "../src/testing/index.js";
import { bundledCatalog } from "../src/testing/host.js";
import { tempDir } from "../src/testing/temp.js";

const fixture = (reader: string, file: string) => repoPath("src/readers", reader, "testdata", file);
const readerNamed = (name: string): Reader => NETWORK_READERS.find((r) => r.name === name)!;

/** The eight variants: [label, reader, fixture, wire] (wire: Windows DNS writes `(3)s01(3)upd…(0)`). */
const VARIANTS: [string, string, string, boolean][] = [
  ["Zeek dns.log (TSV)", "network/zeek", fixture("zeek", "kaspersky-dns.log"), false],
  ["Zeek dns.log (JSON)", "network/zeek", fixture("zeek", "kaspersky-dns.json"), false],
  ["Suricata eve.json (DNS v3)", "network/suricata-eve", fixture("suricata-eve", "kaspersky-eve-v3.json"), false],
  ["Suricata eve.json (DNS v2)", "network/suricata-eve", fixture("suricata-eve", "kaspersky-eve-v2.json"), false],
  ["Suricata eve.json (DNS v1)", "network/suricata-eve", fixture("suricata-eve", "kaspersky-eve-v1.json"), false],
  ["dnsmasq / Pi-hole query log", "network/dnsmasq", fixture("dnsmasq", "kaspersky-pihole.log"), false],
  ["Squid access.log", "network/squid", fixture("squid", "kaspersky-access.log"), false],
  ["Windows DNS debug log", "network/windows-dns", fixture("windows-dns", "kaspersky-dns-en-us.log"), true],
];

const HOST = /\b(?:[a-z0-9-]+\.)+kaspersky(?:-labs)?\.com\b/g;
const WIRE = /(?:\(\d{1,3}\)[a-z0-9-]+)+\(0\)/g;
const mixed = (h: string) => h.split("").map((c, i) => (i % 2 ? c.toUpperCase() : c)).join("");

/** Each form: how a dotted name is written, and how a Windows DNS wire name is (undefined: the form has no wire spelling). */
const FORMS: [string, (h: string) => string, ((w: string) => string) | undefined][] = [
  ["upper case", (h) => h.toUpperCase(), (w) => w.toUpperCase()],
  ["mixed case", mixed, mixed],
  ["trailing dot", (h) => `${h}.`, undefined], // the wire form always ends at the root label (0)
  ["upper case and trailing dot", (h) => `${h.toUpperCase()}.`, undefined],
];

/** The Kaspersky catalog domain each observation of a file is matched to, in order. */
async function matchedDomains(reader: Reader, path: string, index: CatalogIndex): Promise<string[]> {
  const { observations, issues } = await readAll(reader, path);
  assert.deepEqual(issues.filter((i) => i.severity !== "warning"), [], "no errors");
  return observations.flatMap((o) => matchObservation(o, index).matches.filter((m) => m.vendor.id === "kaspersky").map((m) => m.evidence[0]!.found.value));
}

describe("DNS names in log form match the catalog's domains in every network reader", () => {
  let index: CatalogIndex;
  let dir: string;
  before(async () => {
    index = buildCatalogIndex(await bundledCatalog());
    dir = tempDir("ictsguard-log-forms-");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [label, readerName, path, wire] of VARIANTS) {
    for (const [form, dotted, wired] of FORMS) {
      if (wire && !wired) continue;
      it(`${label}, ${form}`, async () => {
        const reader = readerNamed(readerName);
        const original = readFileSync(path, "utf8");
        const rewritten = wire ? original.replace(WIRE, wired!) : original.replace(HOST, dotted);
        assert.notEqual(rewritten, original, "the fixture holds Kaspersky host names to rewrite");
        const file = join(dir, `${readerName.replace("/", "-")}-${form.replace(/\W+/g, "-")}-${path.split("/").pop()}`);
        writeFileSync(file, rewritten);
        const expected = await matchedDomains(reader, path, index);
        assert.ok(expected.length >= 2, `the original fixture matches Kaspersky hosts (${expected.length})`);
        assert.deepEqual(await matchedDomains(reader, file, index), expected);
      });
    }
  }
});

/**
 * Internationalized names: a catalog domain is held as punycode (the loader takes ASCII host
 * names), and a log may write it as punycode in any case or in Unicode. The name used is IANA's
 * reserved IDN test name пример.испытание (xn--e1afmkfd.xn--80akhbyknj4f, RFC 6761 §6.x /
 * IANA's IDN test TLDs), added to a copy of the catalog in memory, never to the catalog.
 */
describe("punycode and Unicode names match a catalog domain held as punycode, in every network reader", () => {
  const PUNY = "xn--e1afmkfd.xn--80akhbyknj4f";
  const UNICODE = "пример.испытание";
  let index: CatalogIndex;
  let dir: string;
  before(async () => {
    const catalog = await bundledCatalog();
    const test: Catalog = structuredClone(catalog);
    const base = test.products.find((p) => p.id === "kaspersky-update-service")!;
    test.products.push({ ...base, id: "idn-test-product", name: "IDN test product", aliases: [], identifiers: { domains: [PUNY] } });
    index = buildCatalogIndex(test);
    dir = tempDir("ictsguard-idn-");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const spellings: [string, string, string][] = [
    ["punycode, upper case, trailing dot", `${PUNY.toUpperCase()}.`, `(12)${"XN--E1AFMKFD"}(16)${"XN--80AKHBYKNJ4F"}(0)`],
    ["Unicode", UNICODE, ""],
  ];
  for (const [label, readerName, path, wire] of VARIANTS) {
    for (const [spelling, dotted, wired] of spellings) {
      if (wire && wired === "") continue; // the Windows DNS debug log writes names on the wire: ASCII labels
      it(`${label}, ${spelling}`, async () => {
        const original = readFileSync(path, "utf8");
        const rewritten = wire ? original.replace(/\(3\)s01\(3\)upd\(9\)kaspersky\(3\)com\(0\)/g, wired) : original.replace(/\bs01\.upd\.kaspersky\.com\b/g, dotted);
        assert.notEqual(rewritten, original);
        const file = join(dir, `${readerName.replace("/", "-")}-${spelling.replace(/\W+/g, "-")}-${path.split("/").pop()}`);
        writeFileSync(file, rewritten);
        const { observations } = await readAll(readerNamed(readerName), file);
        const idn = observations.filter((o) => matchObservation(o, index).matches.some((m) => m.product.id === "idn-test-product"));
        assert.ok(idn.length >= 1, "the IDN host is matched");
        for (const o of idn) assert.equal(o.name, PUNY, "the reader reports the name in the catalog's spelling");
      });
    }
  }
});
