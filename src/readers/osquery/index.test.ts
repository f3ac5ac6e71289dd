/**
 * @module
 * Tests of the osquery reader over hand-made fixtures (testdata/README.md): one file per table and
 * per results-log form, plus the broken cases.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { readFileSync } from "node:fs";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { Observation } from "../../model/observation.js";
import type { ReportableIssue } from "../types.js";
import { osqueryReader } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/osquery/testdata", name);
const read = (name: string): ReturnType<typeof readAll> => readAll(osqueryReader, fixture(name));
/** The fields that say what was seen, without the source. */
const seen = (o: Observation): Omit<Observation, "source"> => {
  const { source: _source, ...rest } = o;
  return rest;
};

describe("osquery reader: detect", () => {
  for (const name of [
    "programs.json",
    "apps.json",
    "deb_packages.json",
    "rpm_packages.json",
    "chrome_extensions.json",
    "firefox_addons.json",
    "truncated.json",
    "results-event.log",
    "results-batch.log",
    "results-snapshot.log",
    "results-bad-line.log",
  ]) {
    it(`claims ${name}`, () => assert.equal(osqueryReader.detect(probeFile(fixture(name))), 0.9));
  }

  it("leaves other JSON and text alone", () => {
    const probe = (text: string) => textProbe(text);
    assert.equal(osqueryReader.detect(probe('{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}')), 0);
    assert.equal(osqueryReader.detect(probe('[{"name":"left-pad","version":"1.3.0"}]')), 0);
    assert.equal(osqueryReader.detect(probe("name,version\nfoo,1\n")), 0);
    // an unknown table's columns are not enough to claim an array
    assert.equal(osqueryReader.detect(probeFile(fixture("unknown-table.json"))), 0);
  });

  it("is not fooled by braces inside the first row's values", () => {
    // programs.json's first row has identifying_number "{5C7E...}" before its other columns
    const probe = probeFile(fixture("programs.json"));
    assert.ok(probe.text.indexOf("{5C7E") < probe.text.indexOf('"publisher"'));
    assert.equal(osqueryReader.detect(probe), 0.9);
  });
});

describe("osquery reader: osqueryi --json arrays", () => {
  it("reads Windows programs", async () => {
    const { observations, issues } = await read("programs.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 7);
    assert.deepEqual(observations[0], {
      kind: "software",
      name: "Kaspersky Endpoint Security for Windows",
      vendor: "AO Kaspersky Lab",
      version: "12.6.0.438",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\",
      source: { file: fixture("programs.json"), record: 1, pointer: "/0" },
    });
    assert.deepEqual(seen(observations[2]!), {
      kind: "software",
      name: "Антивирус Касперского",
      vendor: "Лаборатория Касперского",
      version: "21.3.10.391",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Anti-Virus 21.3\\",
    });
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor]),
      [
        ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab"],
        ["Kaspersky Security Center Network Agent", "AO Kaspersky Lab"],
        ["Антивирус Касперского", "Лаборатория Касперского"],
        ["7-Zip 23.01 (x64)", "Igor Pavlov"],
        ["Google Chrome", "Google LLC"],
        ["ESET Endpoint Security", "ESET, spol. s r.o."],
        ["UltraAV", "Pango Group"],
      ],
    );
    assert.deepEqual(observations[6]!.source, { file: fixture("programs.json"), record: 7, pointer: "/6" });
  });

  it("reads macOS apps: display name, else bundle name, else the .app name", async () => {
    const { observations, issues } = await read("apps.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(seen), [
      {
        kind: "software",
        name: "Kaspersky Anti-Virus For Mac",
        version: "21.0.29.463",
        path: "/Applications/Kaspersky Anti-Virus For Mac.app",
        ids: { bundleId: "com.kaspersky.kav" },
      },
      { kind: "software", name: "Safari", version: "17.2", path: "/Applications/Safari.app", ids: { bundleId: "com.apple.Safari" } },
      {
        kind: "software",
        name: "Google Chrome",
        version: "120.0.6099.129",
        path: "/Applications/Google Chrome.app",
        ids: { bundleId: "com.google.Chrome" },
      },
      // no bundle_short_version: bundle_version is the version
      { kind: "software", name: "Firefox", version: "12124.1.2", path: "/Applications/Firefox.app", ids: { bundleId: "org.mozilla.firefox" } },
    ]);
  });

  it("reads deb packages with a purl and the maintainer without e-mail", async () => {
    const { observations, issues } = await read("deb_packages.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 6);
    assert.deepEqual(seen(observations[0]!), {
      kind: "package",
      name: "kesl",
      vendor: "AO Kaspersky Lab",
      version: "12.1.0.1543",
      ids: { purl: "pkg:deb/kesl@12.1.0.1543?arch=amd64" },
    });
    assert.deepEqual(seen(observations[1]!), {
      kind: "package",
      name: "klnagent64",
      vendor: "AO Kaspersky Lab",
      version: "15.1.0.20748",
      ids: { purl: "pkg:deb/klnagent64@15.1.0.20748?arch=amd64" },
    });
    assert.equal(observations[2]!.ids?.purl, "pkg:deb/bash@5.2.15-2+b2?arch=amd64");
    assert.equal(observations[3]!.vendor, "Debian OpenSSL Team");
    assert.equal(observations[5]!.ids?.purl, "pkg:deb/xkb-data@2.35.1-1?arch=all");
  });

  it("reads rpm packages with version-release and epoch", async () => {
    const { observations, issues } = await read("rpm_packages.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(seen(observations[0]!), {
      kind: "package",
      name: "kesl",
      vendor: "AO Kaspersky Lab",
      version: "12.1.0-1543",
      ids: { purl: "pkg:rpm/kesl@12.1.0-1543?arch=x86_64" },
    });
    assert.equal(observations[1]!.ids?.purl, "pkg:rpm/klnagent64@15.1.0-20748?arch=x86_64");
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.version]),
      [
        ["kesl", "AO Kaspersky Lab", "12.1.0-1543"],
        ["klnagent64", "AO Kaspersky Lab", "15.1.0-20748"],
        ["bash", "Red Hat, Inc.", "5.1.8-9.el9"],
        ["openssl", "Red Hat, Inc.", "3.0.7-27.el9"],
      ],
    );
    assert.equal(observations[3]!.ids?.purl, "pkg:rpm/openssl@3.0.7-27.el9?arch=x86_64&epoch=1");
  });

  it("reads chrome extensions with their extension id", async () => {
    const { observations, issues } = await read("chrome_extensions.json");
    assert.deepEqual(issues, []);
    assert.equal(observations.length, 3);
    assert.deepEqual(seen(observations[0]!), {
      kind: "extension",
      name: "Kaspersky Protection",
      version: "4.0.98.0",
      path: "C:\\Users\\alice\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Extensions\\ahkjpbeeocnddjkakilopmfdlnjdpcdm\\4.0.98.0_0",
      ids: { extensionId: "ahkjpbeeocnddjkakilopmfdlnjdpcdm" },
    });
    assert.equal(observations[1]!.vendor, "Hotspot Shield");
    assert.deepEqual(observations[1]!.ids, { extensionId: "nlbejmccbhkncgokjcmghpfloaajcffj" });
    assert.deepEqual(observations[2]!.ids, { extensionId: "ghbmnnjooekpmoecnnnilnnbdlolhkhi" });
  });

  it("reads firefox add-ons with the creator as vendor", async () => {
    const { observations, issues } = await read("firefox_addons.json");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.kind, o.name, o.vendor, o.ids?.extensionId]),
      [
        ["extension", "Kaspersky URL Advisor", "Kaspersky Lab", "urladvisor@kaspersky.com"],
        ["extension", "uBlock Origin", "Raymond Hill & contributors", "uBlock0@raymondhill.net"],
      ],
    );
  });

  it("reads an unknown table as software and warns once, naming its columns", async () => {
    const { observations, issues } = await read("unknown-table.json");
    assert.deepEqual(observations.map(seen), [
      { kind: "software", name: "7zip", vendor: "Igor Pavlov", version: "23.1.0", path: "C:\\ProgramData\\chocolatey\\lib\\7zip\\7zip.nuspec" },
      {
        kind: "software",
        name: "googlechrome",
        vendor: "Google LLC",
        version: "120.0.6099.130",
        path: "C:\\ProgramData\\chocolatey\\lib\\GoogleChrome\\GoogleChrome.nuspec",
      },
    ]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.code, "osquery/unknown-table");
    assert.equal(issues[0]!.severity, "warning");
    assert.deepEqual(issues[0]!.source, { file: fixture("unknown-table.json"), record: 1, pointer: "/0" });
    assert.match(issues[0]!.message, /author, license, name, path, summary, version/);
  });

  it("keeps the rows before a truncation and reports where it stopped", async () => {
    const { observations, issues } = await read("truncated.json");
    assert.deepEqual(
      observations.map((o) => o.name),
      ["Kaspersky Endpoint Security for Windows", "Kaspersky Security Center Network Agent"],
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.code, "json/truncated");
    assert.deepEqual(issues[0]!.source, { file: fixture("truncated.json"), line: 4 });
    assert.match(issues[0]!.message, /the rest of the file was not/);
  });
});

describe("osquery reader: osqueryd results logs", () => {
  it("reads event lines with host and time, and marks each row added or removed, with its query and columns", async () => {
    const { observations: all, issues } = await read("results-event.log");
    assert.deepEqual(issues, []);
    // line 3 ("removed" Network Agent) is gone from the host: it takes back an added row, and is no observation
    assert.deepEqual(
      all.filter((o) => o.change?.action === "removed").map((o) => [o.name, o.host, o.source.line]),
      [["Kaspersky Security Center Network Agent", "WS-0142", 3]],
    );
    const observations = all.filter((o) => o.change?.action !== "removed");
    assert.equal(observations.length, 4);
    assert.ok(observations.every((o) => o.change?.action === "added" && o.change.row.startsWith("pack_inventory_")));
    const { change, ...first } = observations[0]!;
    assert.equal(change!.row, `pack_inventory_programs\u0000${JSON.stringify(JSON.parse(readFileSync(fixture("results-event.log"), "utf8").split("\n")[0]!).columns)}`);
    assert.deepEqual(first, {
      kind: "software",
      name: "Kaspersky Endpoint Security for Windows",
      vendor: "AO Kaspersky Lab",
      version: "12.6.0.438",
      path: "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows\\",
      host: "WS-0142",
      seenAt: "2024-01-15T10:00:00.000Z",
      source: { file: fixture("results-event.log"), line: 1, record: 1 },
    });
    assert.deepEqual(
      observations.map((o) => [o.kind, o.name, o.host, o.source.line]),
      [
        ["software", "Kaspersky Endpoint Security for Windows", "WS-0142", 1],
        ["software", "7-Zip 23.01 (x64)", "WS-0142", 2],
        ["extension", "Kaspersky Protection", "MAC-0007", 4],
        ["software", "Kaspersky Anti-Virus For Mac", "MAC-0007", 5],
      ],
    );
    // unixTime as a string (older osquery) works too
    assert.equal(observations[2]!.seenAt, "2024-01-16T10:00:00.000Z");
    assert.deepEqual(observations[3]!.ids, { bundleId: "com.kaspersky.kav" });
  });

  it("reads batch lines (diffResults), marking removed rows; falls back to the hostname decoration", async () => {
    const { observations: all, issues } = await read("results-batch.log");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      all.filter((o) => o.change?.action === "removed").map((o) => [o.name, o.source.record, o.source.pointer]),
      [["klnagent64", 3, "/diffResults/removed/0"]],
    );
    const observations = all.filter((o) => o.change?.action !== "removed");
    assert.deepEqual(
      observations.map((o) => [o.name, o.version, o.host, o.seenAt, o.source]),
      [
        ["kesl", "12.1.0.1543", "srv-db-01", "2024-01-17T03:00:00.000Z", { file: fixture("results-batch.log"), line: 1, record: 1, pointer: "/diffResults/added/0" }],
        ["bash", "5.2.15-2+b2", "srv-db-01", "2024-01-17T03:00:00.000Z", { file: fixture("results-batch.log"), line: 1, record: 2, pointer: "/diffResults/added/1" }],
        // record 3 is the removed klnagent64
        ["kesl", "12.1.0-1543", "srv-app-02.corp.example", "2024-01-17T03:10:00.000Z", { file: fixture("results-batch.log"), line: 2, record: 4, pointer: "/diffResults/added/0" }],
      ],
    );
    assert.equal(observations[2]!.ids?.purl, "pkg:rpm/kesl@12.1.0-1543?arch=x86_64");
  });

  it("reads snapshot lines", async () => {
    const { observations, issues } = await read("results-snapshot.log");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.vendor, o.host, o.source.pointer]),
      [
        ["Kaspersky Endpoint Security for Windows", "AO Kaspersky Lab", "WS-0200", "/snapshot/0"],
        ["Антивирус Касперского", "Лаборатория Касперского", "WS-0200", "/snapshot/1"],
        ["Google Chrome", "Google LLC", "WS-0200", "/snapshot/2"],
      ],
    );
    assert.ok(observations.every((o) => o.seenAt === "2024-01-18T12:00:00.000Z" && o.source.line === 1));
  });

  it("reports a bad line with its number and reads the lines after it", async () => {
    const { observations, issues } = await read("results-bad-line.log");
    assert.deepEqual(
      observations.map((o) => [o.name, o.source.line]),
      [
        ["Kaspersky Total Security", 1],
        ["Mozilla Firefox (x64 en-US)", 4],
        ["ESET Endpoint Security", 6],
      ],
    );
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity ?? "error", i.source.line]),
      [
        ["json/syntax", "error", 2],
        ["osquery/not-a-result", "warning", 5],
      ],
    );
  });
});

describe("osquery reader: odd inputs", () => {
  const readText = async (text: string, encoding: "utf-8" | "utf-16le" = "utf-8") => {
    const observations: Observation[] = [];
    const issues: ReportableIssue[] = [];
    const bytes = encoding === "utf-8" ? Buffer.from(text, "utf8") : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const input = { path: "mem.json", stream: Readable.from([bytes]), encoding };
    for await (const o of osqueryReader.read(input, { report: (i) => issues.push(i) })) observations.push(o);
    return { observations, issues };
  };

  it("reads a UTF-16LE array (PowerShell 5.1 redirect) after leading blank lines", async () => {
    const { observations, issues } = await readText('\r\n\r\n[{"name":"Kaspersky","publisher":"AO Kaspersky Lab","version":"21.9.6.465","install_location":"","identifying_number":""}]', "utf-16le");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map(seen), [{ kind: "software", name: "Kaspersky", vendor: "AO Kaspersky Lab", version: "21.9.6.465" }]);
  });

  it("skips and reports rows that are not objects or have no name", async () => {
    const { observations, issues } = await readText('[1, {"name":"","publisher":"X","install_location":"C:\\\\X"}, {"name":"Y","publisher":"Y","install_location":""}]');
    assert.deepEqual(observations.map((o) => o.name), ["Y"]);
    assert.deepEqual(
      issues.map((i) => [i.code, i.source.record]),
      [
        ["osquery/row", 1],
        ["osquery/no-name", 2],
      ],
    );
  });

  it("reports an empty or foreign input instead of guessing", async () => {
    assert.deepEqual((await readText("  \n")).issues.map((i) => i.code), ["osquery/format"]);
    assert.deepEqual((await readText("name,version\n")).issues.map((i) => i.code), ["osquery/format"]);
  });
});
