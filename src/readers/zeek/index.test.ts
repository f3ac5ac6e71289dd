import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCatalogOrThrow } from "../../catalog/index.js";
import { buildCatalogIndex, matchObservation } from "../../match/index.js";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import { zeekReader } from "./index.js";
import { unescapeZeek } from "./tsv.js";
import { tempDir } from "../../testing/temp.js";

const fixture = (name: string) => repoPath("src/readers/zeek/testdata", name);

describe("zeek reader: real public samples", () => {
  it("WRCCDC dns.log (TSV, no #close): 3000 lookups with client and time, no problems, nothing restricted", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("wrccdc-dns.log"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 3000);
    assert.deepEqual(observations[0], {
      kind: "domain",
      name: "ise.wrccdc.org",
      host: "10.47.1.100",
      seenAt: "2018-03-24T17:15:20.865Z",
      source: { file: fixture("wrccdc-dns.log"), line: 9 },
    });
    assert.ok(observations.every((o) => o.host && o.seenAt?.startsWith("2018-03-24")));
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    assert.deepEqual(observations.filter((o) => matchObservation(o, index).matches.length > 0), []);
  });

  it("WRCCDC dns.json (Zeek JSON, ISO ts, _path): the same records as the TSV log", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("wrccdc-dns.json"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 1000);
    const tsv = (await readAll(zeekReader, fixture("wrccdc-dns.log"))).observations;
    assert.deepEqual(
      observations.slice(0, 50).map((o) => [o.name, o.host, o.seenAt]),
      tsv.slice(0, 50).map((o) => [o.name, o.host, o.seenAt]),
    );
    const index = buildCatalogIndex(await loadCatalogOrThrow());
    assert.deepEqual(observations.filter((o) => matchObservation(o, index).matches.length > 0), []);
  });

  it("Zeek's own dns.log (auth/addl columns, #close): one lookup", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("zeek-repo-dns.log"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt, o.source.line]),
      [["cloudflare.com", "192.168.1.99", "2021-09-29T15:18:10.500Z", 9]],
    );
  });
});

describe("zeek reader: crafted logs", () => {
  it("takes the column order from #fields, decodes \\xNN escapes, skips unset queries", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("kaspersky-dns.log"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 19);
    assert.deepEqual(observations[0], {
      kind: "domain",
      name: "s01.upd.kaspersky.com",
      host: "10.20.30.41",
      seenAt: "2024-10-01T08:00:00.000Z",
      source: { file: fixture("kaspersky-dns.log"), line: 9 },
    });
    // an internationalized name is reported in one spelling, punycode, as the catalog holds domains
    assert.ok(observations.some((o) => o.name === "xn--caf-dma.example" && o.host === "10.20.30.12"));
    assert.ok(!observations.some((o) => o.name === "-"));
    // every lookup is kept, look-alikes too (matching decides, not the reader)
    assert.equal(observations.filter((o) => o.name.includes("kaspersky")).length, 14);
  });

  it("Zeek JSON: flat dotted keys, a nested id, epoch and ISO ts, records of other logs skipped", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("kaspersky-dns.json"));
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 18);
    const tsv = (await readAll(zeekReader, fixture("kaspersky-dns.log"))).observations.filter((o) => o.name !== "xn--caf-dma.example");
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt]),
      tsv.map((o) => [o.name, o.host, o.seenAt]),
    );
    assert.ok(!observations.some((o) => o.source.line === 3), "the conn record on line 3 is not a lookup");
  });

  it("ssl.log SNI and http.log Host (port removed) are contacted hosts too", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("kaspersky-ssl-http.json"));
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.host, o.seenAt]),
      [
        ["ksn-file-geo.kaspersky-labs.com", "10.20.30.41", "2024-10-01T08:00:20.500Z"],
        ["s14.upd.kaspersky.com", "10.20.30.57", "2024-10-01T08:01:20.250Z"],
        ["www.google.com", "10.20.30.12", "2024-10-01T08:01:35.000Z"],
      ],
    );
  });

  it("malformed TSV records: located errors naming what was expected; the rest is read", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("malformed.log"));
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line, i.message]),
      [
        ["zeek/fields", "error", 10, "expected 21 fields separated by tabs, as the #fields header at line 7 names; found 4; the record was skipped"],
        ["zeek/ts", "warning", 11, 'ts "yesterday" is not a time (expected epoch seconds such as 1521911720.865716); the record was read without one'],
      ],
    );
    assert.deepEqual(
      observations.map((o) => [o.name, o.seenAt ?? null, o.source.line]),
      [
        ["s01.upd.kaspersky.com", "2024-10-01T08:00:00.000Z", 9],
        ["s03.upd.kaspersky.com", null, 11],
        ["s04.upd.kaspersky.com", "2024-10-01T08:03:20.000Z", 12],
      ],
    );
  });

  it("a log still being written (no #close, last record cut mid-line): a warning, not an error", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("still-writing.log"));
    assert.equal(observations.length, 3);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.severity, "warning");
    assert.equal(issues[0]!.source.line, 12);
    assert.match(issues[0]!.message, /cut off .*still being written/);
  });

  it("malformed JSON lines: located errors; a cut-off last line is a warning; the rest is read", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("malformed.json"));
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["zeek/json", "error", 2],
        ["zeek/json", "error", 3],
        ["zeek/cut-off", "warning", 5],
      ],
    );
    assert.match(issues[0]!.message, /expected one Zeek record per line/);
    assert.deepEqual(observations.map((o) => o.source.line), [1, 4]);
  });

  it("records before any #fields header are reported once, with how many", async () => {
    const path = await tmpFile("no-header.log", "s01.upd.kaspersky.com\t1727769600.0\t10.0.0.1\nfoo\tbar\n");
    const { observations, issues } = await readAll(zeekReader, path);
    assert.equal(observations.length, 0);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /not a Zeek log: expected a TSV log starting with its #separator\/#fields header/);
  });
});

describe("zeek reader: detection", () => {
  it("claims dns/ssl/http logs in either shape, and not other Zeek logs", () => {
    for (const f of ["wrccdc-dns.log", "wrccdc-dns.json", "zeek-repo-dns.log", "kaspersky-ssl-http.json"]) assert.ok(zeekReader.detect(probeFile(fixture(f))) >= 0.9, f);
    const software = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tsoftware\n#fields\tts\thost\thost_p\tsoftware_type\tname\n";
    assert.equal(zeekReader.detect(textProbe(software)), 0);
    assert.equal(zeekReader.detect(textProbe('{"_path":"conn","ts":1.5,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2"}\n')), 0);
    assert.equal(zeekReader.detect(textProbe('{"timestamp":"2017-03-06T06:54:06.047429+0000","event_type":"dns"}\n')), 0);
  });

  it("\\xNN escapes are bytes: UTF-8 sequences become characters, a tab stays a tab", () => {
    assert.equal(unescapeZeek("caf\\xc3\\xa9.example"), "café.example");
    assert.equal(unescapeZeek("a\\x09b"), "a\tb");
    assert.equal(unescapeZeek("plain.example"), "plain.example");
  });

  it("a TSV header cut off before #fields, with no record, is an error, not a clean log", async () => {
    const { observations, issues } = await readAll(zeekReader, fixture("no-records.log"));
    assert.deepEqual(observations, []);
    assert.deepEqual(issues.map((i) => [i.code, i.severity ?? "error"]), [["zeek/empty", "error"]]);
  });
});

async function tmpFile(name: string, text: string): Promise<string> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const path = join(tempDir("ictsguard-zeek-"), name);
  writeFileSync(path, text);
  return path;
}
