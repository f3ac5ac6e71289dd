/**
 * @module
 * Tests of the dpkg status reader over real status files (Debian and Ubuntu images, syft's
 * status.d and opkg test files; testdata/PROVENANCE.md) and hand-made ones with Kaspersky
 * packages, look-alikes and broken stanzas.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { probeFile, readAll, repoPath, textProbe } from "../../testing/index.js";
import type { ReportableIssue } from "../types.js";
import { dpkgStatusReader, isInstalled, parseDpkgStatus } from "./index.js";

const fixture = (name: string): string => repoPath("src/readers/dpkg-status/testdata", name);
const read = (name: string) => readAll(dpkgStatusReader, fixture(name));
const codes = (issues: ReportableIssue[]) => issues.map((i) => [i.code, i.severity ?? "error", i.source.line]);
const packagesIn = (name: string) => readFileSync(fixture(name), "utf8").split("\n").filter((l) => l.startsWith("Package:")).length;

describe("linux/dpkg-status: detect", () => {
  it("recognizes dpkg and opkg status files, and leaves other text alone", () => {
    for (const f of ["debian-status", "ubuntu-status", "syft-status.d-deinstall", "syft-status.d-multiple", "opkg-status", "kaspersky-status", "malformed-status"]) {
      assert.equal(dpkgStatusReader.detect(probeFile(fixture(f))), 0.9, f);
    }
    assert.equal(dpkgStatusReader.detect(textProbe("Package: kesl\nVersion: 12.1\nArchitecture: amd64\n")), 0.6, "an apt Packages index");
    assert.equal(dpkgStatusReader.detect(textProbe("Name,Version\nkesl,12\n")), 0);
    assert.equal(dpkgStatusReader.detect(textProbe("Windows Registry Editor Version 5.00\r\n")), 0);
  });
});

describe("linux/dpkg-status: real status databases", () => {
  it("reads every installed package of a Debian and an Ubuntu image, with deb purls and Maintainer as vendor", async () => {
    for (const f of ["debian-status", "ubuntu-status"]) {
      const { observations, issues } = await read(f);
      assert.deepEqual(issues, [], f);
      assert.equal(observations.length, packagesIn(f), f);
      for (const o of observations) {
        assert.equal(o.kind, "package");
        assert.ok(o.ids!.purl!.startsWith(`pkg:deb/${encodeURIComponent(o.name)}@`), `${f}: ${o.ids?.purl}`);
        assert.ok(o.vendor && !o.vendor.includes("<"), `${f}: ${o.name} vendor ${o.vendor}`);
      }
    }
    const { observations } = await read("debian-status");
    assert.deepEqual(observations[0], {
      kind: "package",
      name: "adduser",
      vendor: "Debian Adduser Developers",
      version: "3.118",
      ids: { purl: "pkg:deb/adduser@3.118?arch=all" },
      source: { file: fixture("debian-status"), line: 1 },
    });
  });

  it("skips a removed package whose config files remain (deinstall ok config-files)", async () => {
    const { observations, issues } = await read("syft-status.d-deinstall");
    assert.deepEqual(issues, []);
    assert.deepEqual(observations.map((o) => [o.name, o.version]), [["linux-image-6.14.0-1012-aws", "6.14.0-1012.12~24.04.1"]]);
  });

  it("reports syft's empty Package field and the package without Status, and reads the others", async () => {
    const { observations, issues } = await read("syft-status.d-multiple");
    assert.deepEqual(codes(issues), [
      ["dpkg/no-package", "error", 1],
      ["dpkg/no-status", "warning", 3],
    ]);
    assert.deepEqual(observations.map((o) => [o.source.line, o.name, o.vendor]), [
      [5, "tzdata", "GNU Libc Maintainers"],
      [26, "util-linux", "LaMont Jones"],
    ]);
  });

  it("reads opkg's 'install user installed' packages, without a deb purl", async () => {
    const { observations, issues } = await read("opkg-status");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.name, o.version, o.ids]),
      [
        ["dropbear", "2024.85-r0", undefined],
        ["busybox", "1.36.1-r3", undefined],
        ["kernel-modules", "6.6.0-r0", undefined],
      ],
    );
  });
});

describe("linux/dpkg-status: crafted files", () => {
  it("reads installed and held Kaspersky packages and skips removed and not-installed ones", async () => {
    const { observations, issues } = await read("kaspersky-status");
    assert.deepEqual(issues, []);
    assert.deepEqual(
      observations.map((o) => [o.source.line, o.name, o.vendor, o.version, o.ids?.purl]),
      [
        [1, "adduser", "Debian Adduser Developers", "3.134", "pkg:deb/adduser@3.134?arch=all"],
        [17, "kesl", "AO Kaspersky Lab", "12.1.0-1543", "pkg:deb/kesl@12.1.0-1543?arch=amd64"],
        [40, "klnagent64", "AO Kaspersky Lab", "15.1.0-20748", "pkg:deb/klnagent64@15.1.0-20748?arch=amd64"],
        [50, "ksnip", "Debian Qt/KDE Maintainers", "1.10.0-1", "pkg:deb/ksnip@1.10.0-1?arch=amd64"],
        [60, "klavaro", "Debian Edu Packaging Team", "3.13-1", "pkg:deb/klavaro@3.13-1?arch=amd64"],
        [70, "kleopatra", "Debian Qt/KDE Maintainers", "4:22.12.3-1", "pkg:deb/kleopatra@4:22.12.3-1?arch=amd64"],
        [80, "kics", "Checkmarx", "2.1.2", "pkg:deb/kics@2.1.2?arch=amd64"],
        [96, "libc6", "GNU Libc Maintainers", "2.36-9+deb12u4", "pkg:deb/libc6@2.36-9+deb12u4?arch=amd64"],
      ],
    );
  });

  it("reports each broken line and stanza with its line and what was expected, and reads the rest", async () => {
    const { observations, issues } = await read("malformed-status");
    assert.deepEqual(codes(issues), [
      ["dpkg/line", "error", 6],
      ["dpkg/line", "error", 8],
      ["dpkg/no-package", "error", 9],
      ["dpkg/status", "error", 12],
      ["dpkg/no-status", "warning", 16],
    ]);
    assert.match(issues[0]!.message, /expected "Field: value".*found "this line has no colon"/);
    assert.match(issues[3]!.message, /expected a Status of three words such as "install ok installed", found "installed"/);
    assert.deepEqual(observations.map((o) => [o.source.line, o.name]), [
      [1, "kesl"],
      [20, "kesl-gui"],
    ]);
  });

  it("a file cut inside a stanza keeps the packages before the cut and reports the cut one", () => {
    const text = readFileSync(fixture("kaspersky-status"), "utf8");
    const cut = text.indexOf("Status:", text.indexOf("Package: ksnip")) + "Status: inst".length;
    const half = parseDpkgStatus(text.slice(0, cut), "half");
    assert.deepEqual(half.observations.map((o) => o.name), ["adduser", "kesl", "klnagent64"]);
    assert.deepEqual(codes(half.issues), [["dpkg/status", "error", 50]]);
    assert.match(half.issues[0]!.message, /package "ksnip": expected a Status of three words .* found "inst"/);
  });

  it("parseDpkgStatus reads a status text in memory as the reader reads the file", async () => {
    const file = fixture("kaspersky-status");
    const fromFile = await read("kaspersky-status");
    assert.deepEqual(parseDpkgStatus(readFileSync(file, "utf8"), file), fromFile);
  });

  it("counts only want install/hold, flag ok (or opkg's user), state installed", () => {
    assert.equal(isInstalled("install ok installed"), true);
    assert.equal(isInstalled("hold ok installed"), true);
    assert.equal(isInstalled("install user installed"), true);
    assert.equal(isInstalled("deinstall ok config-files"), false);
    assert.equal(isInstalled("install ok half-configured"), false);
    assert.equal(isInstalled("purge ok not-installed"), false);
    assert.equal(isInstalled("installed"), undefined);
  });
});
